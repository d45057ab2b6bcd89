#!/usr/bin/env sh
# The console's browser tests drive Debian's Chromium through playwright-core, which never
# downloads a browser. Installs it when it is missing (as root, with apt-get), or says how.
set -eu
browser="${TALLY_CHROMIUM:-/usr/bin/chromium}"
[ -x "$browser" ] && exit 0
if [ -n "${TALLY_CHROMIUM:-}" ]; then
  echo "TALLY_CHROMIUM=$browser is not an executable browser" >&2
  exit 1
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the console's browser tests…" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  exit 0
fi
echo "The console's browser tests need Chromium at /usr/bin/chromium: run \`sudo apt-get install chromium\` (or set TALLY_CHROMIUM)." >&2
exit 1
