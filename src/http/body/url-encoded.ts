/** Query strings and application/x-www-form-urlencoded bodies. */

/**
 * Adds the `name=value` pairs of `text` to `into`; a repeated name keeps its last value.
 * `+` is a space, as every form encoder means it. Returns false on a bad percent escape or
 * one that decodes to invalid UTF-8.
 */
export function parseUrlEncoded(text: string, into: Map<string, string>): boolean {
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end === -1) end = text.length;
    if (end > start) {
      const equals = text.indexOf('=', start);
      const hasValue = equals !== -1 && equals < end;
      const name = decodeComponent(text.slice(start, hasValue ? equals : end));
      const value = hasValue ? decodeComponent(text.slice(equals + 1, end)) : '';
      if (name === undefined || value === undefined) return false;
      into.set(name, value);
    }
    start = end + 1;
  }
  return true;
}

function decodeComponent(raw: string): string | undefined {
  // Most values (usernames, hex hashes) need no decoding at all.
  if (raw.indexOf('%') === -1 && raw.indexOf('+') === -1) return raw;
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    return undefined; // URIError: a broken escape, or bytes that are not UTF-8
  }
}
