/** The migration lists: `migrate` takes the last entry as the newest, so versions must only grow. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PG_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';

describe('migrations', () => {
  for (const [backend, list] of [['sqlite', MIGRATIONS], ['postgres', PG_MIGRATIONS]] as const) {
    it(`lists ${backend}'s migrations in strictly increasing versions`, () => {
      const versions = list.map((migration) => migration.version);
      assert.deepEqual(versions, [...versions].sort((a, b) => a - b));
      assert.equal(new Set(versions).size, versions.length);
    });
  }

  it('gives both backends the same versions, but for the SQLite-only covering index (4)', () => {
    assert.deepEqual(
      MIGRATIONS.map((m) => m.version).filter((v) => v !== 4),
      PG_MIGRATIONS.map((m) => m.version),
    );
  });
});
