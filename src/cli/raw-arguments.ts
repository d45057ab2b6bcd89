/** The command line as the kernel gave it, before Node decoded it. */
import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';

/**
 * The position (1 for the first after `tally`) of the first argument that is not valid UTF-8,
 * or undefined. Node turns a broken byte in argv into U+FFFD without a word, so a name typed
 * in a latin1 terminal would become a user no client can send; Linux's /proc/self/cmdline
 * keeps the raw bytes. Where it cannot be read, nothing is known and undefined is returned
 * (usernames still refuse U+FFFD).
 */
export function invalidUtf8Argument(argumentCount: number): number | undefined {
  let raw: Buffer;
  try {
    raw = readFileSync('/proc/self/cmdline');
  } catch {
    return undefined;
  }
  // NUL-terminated strings: node, its own options, the script, then the arguments.
  const parts: Buffer[] = [];
  for (let start = 0; start < raw.length; ) {
    const end = raw.indexOf(0, start);
    parts.push(raw.subarray(start, end === -1 ? raw.length : end));
    start = end === -1 ? raw.length : end + 1;
  }
  const args = parts.slice(parts.length - argumentCount);
  // A cmdline that does not end in our arguments (rewritten by the process) tells nothing.
  if (args.length !== argumentCount) return undefined;
  const bad = args.findIndex((arg) => !isUtf8(arg));
  return bad === -1 ? undefined : bad + 1;
}
