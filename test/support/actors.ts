/** Actors for tests that call the store directly, one per surface. */
import type { Actor } from '../../src/domain/actor.js';

export const CLI: Actor = { source: 'cli', name: 'cli:test' };
export const API: Actor = { source: 'api', name: 'apiuser', client: '192.0.2.1', requestId: 'req-test-1' };
export const IMPORTER: Actor = { source: 'import', name: 'cli:test' };
export const ADMIN: Actor = { source: 'admin', name: 'operator', client: '192.0.2.9', requestId: 'req-admin-1' };
