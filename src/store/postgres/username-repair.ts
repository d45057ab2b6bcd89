/** Usernames stored before they were kept in NFC: the version-6 migration and `tally verify`'s check. */
import type pg from 'pg';
import { isStaleUsername, planUsernameRepairs, usernameKey, type StoredUsername, type UsernameRepairPlan } from '../../domain/usernames.js';
import type { Queryable } from './connection.js';

interface NameRow {
  id: string;
  username: string;
  username_key: string;
}

const toStored = (row: NameRow): StoredUsername => ({ id: Number(row.id), username: row.username, usernameKey: row.username_key });

// Candidates found by the database, the exact test made in JavaScript: every name or key that is
// not printable ASCII (IS NFC NORMALIZED would be narrower, but needs PostgreSQL 13 and a UTF8
// database, and fails the migration elsewhere), and an ASCII name whose key is not its ASCII lower
// case. The rest already has the key usernameKey gives.
const CANDIDATES = `
  SELECT id::text, username, username_key FROM users
  WHERE username !~ '^[ -~]*$' OR username_key !~ '^[ -~]*$'
     OR username_key <> lower(username COLLATE "C")`;

/** Every stale user and what to do with it. */
export async function planRepairs(db: Queryable): Promise<UsernameRepairPlan> {
  const candidates = await db.query<NameRow>(CANDIDATES);
  const stale = candidates.rows.map(toStored).filter(isStaleUsername);
  const keys = [...new Set(stale.map((user) => usernameKey(user.username)))];
  const holders = new Map<string, StoredUsername[]>();
  if (keys.length > 0) {
    const found = await db.query<NameRow>('SELECT id::text, username, username_key FROM users WHERE username_key = ANY($1)', [keys]);
    for (const row of found.rows) {
      const list = holders.get(row.username_key);
      if (list === undefined) holders.set(row.username_key, [toStored(row)]);
      else list.push(toStored(row));
    }
  }
  return planUsernameRepairs(stale, holders);
}

/** The migration: stale users get their NFC name and its key, unless that would merge two users. */
export async function repairUsernames(client: pg.PoolClient): Promise<void> {
  for (const user of (await planRepairs(client)).renames) {
    await client.query('UPDATE users SET username = $2, username_key = $3 WHERE id = $1', [user.id, user.username, user.usernameKey]);
  }
}
