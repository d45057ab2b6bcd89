/**
 * What a user search's query means, for every store alike: a prefix of the folded username (an
 * index range, never a LIKE on a function), an exact id when it is digits, an exact uniquehash.
 */
import { MAX_USER_ID } from './user-ids.js';
import { usernameKey } from './usernames.js';

export interface UsernamePrefixRange {
  /** Every key with the prefix is >= this (the folded query itself)... */
  readonly from: string;
  /**
   * ...and < this, in code point order (bytewise UTF-8). Undefined for a query of U+10FFFF
   * characters only, which nothing bounds: such a query matches exact ids and tokens only.
   */
  readonly to: string | undefined;
}

/** The range of folded usernames that start with the folded query. */
export function usernamePrefixRange(query: string): UsernamePrefixRange {
  const from = usernameKey(query);
  return { from, to: nextPrefix(from) };
}

/**
 * The smallest string above every string that starts with `prefix`: its last code point
 * raised by one (skipping the surrogates, which no stored text holds); a last U+10FFFF is
 * dropped and the one before it raised instead.
 */
function nextPrefix(prefix: string): string | undefined {
  const points = [...prefix].map((character) => character.codePointAt(0)!);
  while (points.length > 0) {
    const last = points.pop()!;
    if (last < 0x10ffff) {
      points.push(last === 0xd7ff ? 0xe000 : last + 1);
      return String.fromCodePoint(...points);
    }
  }
  return undefined;
}

/** The user id a query names when it is digits and a possible id. */
export function userIdOfQuery(query: string): number | undefined {
  if (!/^\d{1,10}$/.test(query)) return undefined;
  const id = Number(query);
  return id <= MAX_USER_ID ? id : undefined;
}
