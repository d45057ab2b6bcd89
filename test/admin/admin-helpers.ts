/** Shared ground for the admin tests: an actor, a CSV source from text, and matching AdminErrors. */
import assert from 'node:assert/strict';
import { AdminError, type AdminErrorCode } from '../../src/admin/admin-error.js';
import type { Actor } from '../../src/domain/actor.js';

export const ACTOR: Actor = { source: 'cli', name: 'cli:tester' };
export const API_OPERATOR: Actor = { source: 'admin', name: 'ops@example.com', client: '192.0.2.9', requestId: 'req-1' };

/** A CSV source that replays `text` as often as it is read, in small chunks (lines cross chunks). */
export function csv(text: string | Buffer): () => AsyncIterable<Uint8Array> {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return async function* () {
    for (let at = 0; at < bytes.length; at += 7) yield bytes.subarray(at, at + 7);
  };
}

/** Asserts that `promise` rejects with an AdminError of this code carrying these fields. */
export async function rejectsWithAdmin(
  promise: Promise<unknown>,
  code: AdminErrorCode,
  fields: Partial<Pick<AdminError, 'entity' | 'field' | 'value' | 'reason'>> = {},
): Promise<AdminError> {
  let caught: AdminError | undefined;
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AdminError, `expected an AdminError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    for (const [name, value] of Object.entries(fields)) assert.equal(error[name as keyof typeof fields], value, `${name} of ${error.message}`);
    caught = error;
    return true;
  });
  return caught!;
}
