/** Usernames stored before they were kept in NFC: the version-6 migration and `tally verify`'s check. */
import type Database from 'better-sqlite3';
import { isStaleUsername, planUsernameRepairs, usernameKey, type StoredUsername, type UsernameRepairPlan } from '../../domain/usernames.js';

interface NameRow {
  id: number;
  username: string;
  username_key: string;
}

const toStored = (row: NameRow): StoredUsername => ({ id: Number(row.id), username: row.username, usernameKey: row.username_key });

/** Every stale user and what to do with it. SQLite has no NFC function, so every name is read. */
export function planRepairs(db: Database.Database): UsernameRepairPlan {
  const stale: StoredUsername[] = [];
  for (const row of db.prepare<[], NameRow>('SELECT id, username, username_key FROM users').iterate()) {
    const user = toStored(row);
    if (isStaleUsername(user)) stale.push(user);
  }
  const holders = new Map<string, StoredUsername[]>();
  const holdersOf = db.prepare<[string], NameRow>('SELECT id, username, username_key FROM users WHERE username_key = ?');
  for (const key of new Set(stale.map((user) => usernameKey(user.username)))) {
    holders.set(key, holdersOf.all(key).map(toStored));
  }
  return planUsernameRepairs(stale, holders);
}

/** The migration: stale users get their NFC name and its key, unless that would merge two users. */
export function repairUsernames(db: Database.Database): void {
  const rename = db.prepare<[username: string, key: string, id: number]>('UPDATE users SET username = ?, username_key = ? WHERE id = ?');
  for (const user of planRepairs(db).renames) rename.run(user.username, user.usernameKey, user.id);
}
