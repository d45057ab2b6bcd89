/** Random credentials: the API secret key and users' uniquehash tokens. */
import { randomBytes, randomFillSync } from 'node:crypto';

/** A fresh API secret key: 40 hex digits (160 bits), safe to paste into any shell or config. */
export function newSecretKey(): string {
  return randomBytes(20).toString('hex');
}

const TOKEN_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const UNIQUEHASH_LENGTH = 16;

// One system call fills many tokens' worth: an import makes a million of them.
const pool = Buffer.alloc(8192);
let poolOffset = pool.length;

function randomByte(): number {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  return pool[poolOffset++]!;
}

/** A user's uniquehash: 16 lower-case letters and digits (about 82 bits), URL-safe as is. */
export function newUniquehash(): string {
  let token = '';
  while (token.length < UNIQUEHASH_LENGTH) {
    const byte = randomByte();
    // 252 is the largest multiple of 36 below 256: rejecting bytes above it keeps the draw uniform.
    if (byte < 252) token += TOKEN_ALPHABET[byte % 36];
  }
  return token;
}
