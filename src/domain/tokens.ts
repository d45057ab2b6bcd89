/** Random credentials: the API secret key and users' uniquehash tokens. */
import { randomBytes } from 'node:crypto';

/** A fresh API secret key: 40 hex digits (160 bits), safe to paste into any shell or config. */
export function newSecretKey(): string {
  return randomBytes(20).toString('hex');
}

const TOKEN_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const UNIQUEHASH_LENGTH = 16;

/** A user's uniquehash: 16 lower-case letters and digits (about 82 bits), URL-safe as is. */
export function newUniquehash(): string {
  // 252 is the largest multiple of 36 below 256: rejecting bytes above it keeps the draw uniform.
  let token = '';
  while (token.length < UNIQUEHASH_LENGTH) {
    for (const byte of randomBytes(UNIQUEHASH_LENGTH * 2)) {
      if (byte < 252 && token.length < UNIQUEHASH_LENGTH) token += TOKEN_ALPHABET[byte % 36];
    }
  }
  return token;
}
