/** Operators of the admin API and their tokens on PostgreSQL; each change runs on the caller's transaction. */
import type { Actor } from '../../domain/actor.js';
import { operatorAdded, operatorPasswordChanged, operatorRemoved, operatorRoleChanged, operatorTokenAdded, operatorTokenRevoked } from '../../domain/audit-events.js';
import { TallyError } from '../../domain/errors.js';
import { operatorKey, type OperatorRole } from '../../domain/operators.js';
import type { NewOperator, OperatorRecord, StoredOperator } from '../store.js';
import { isUniqueViolation, type Queryable } from './connection.js';
import { writeAudit } from './postgres-audit.js';

interface OperatorRow {
  id: string;
  username: string;
  role: OperatorRole;
  password_hash: string;
  password_changed_at: Date;
  created_at: Date;
}

interface TokenRow {
  operator_id: string;
  label: string;
  created_at: Date;
}

const OPERATOR_COLUMNS = 'id, username, role, password_hash, password_changed_at, created_at';

export async function addOperator(db: Queryable, operator: NewOperator, by: Actor): Promise<OperatorRecord> {
  try {
    const { rows } = await db.query<OperatorRow>(
      `INSERT INTO operators (username, username_key, role, password_hash) VALUES ($1, $2, $3, $4) RETURNING ${OPERATOR_COLUMNS}`,
      [operator.username, operatorKey(operator.username), operator.role, operator.passwordHash],
    );
    const row = rows[0]!;
    await writeAudit(db, by, operatorAdded(row.username, row.role));
    return toOperator(row, []);
  } catch (error) {
    if (isUniqueViolation(error)) throw new TallyError('already_exists', `an operator named ${operator.username} exists`);
    throw error;
  }
}

export async function listOperators(db: Queryable): Promise<OperatorRecord[]> {
  const operators = await db.query<OperatorRow>(`SELECT ${OPERATOR_COLUMNS} FROM operators ORDER BY username_key`);
  const tokens = await db.query<TokenRow>('SELECT operator_id, label, created_at FROM operator_tokens ORDER BY id');
  const held = new Map<string, TokenRow[]>();
  for (const token of tokens.rows) {
    const list = held.get(token.operator_id);
    if (list === undefined) held.set(token.operator_id, [token]);
    else list.push(token);
  }
  return operators.rows.map((row) => toOperator(row, held.get(row.id) ?? []));
}

export async function findOperator(db: Queryable, username: string, lock = false): Promise<OperatorRecord | undefined> {
  const { rows } = await db.query<OperatorRow>(`SELECT ${OPERATOR_COLUMNS} FROM operators WHERE username_key = $1${lock ? ' FOR UPDATE' : ''}`, [
    operatorKey(username),
  ]);
  return rows[0] === undefined ? undefined : withTokens(db, rows[0]);
}

export async function findOperatorById(db: Queryable, id: number | string): Promise<OperatorRecord | undefined> {
  const { rows } = await db.query<OperatorRow>(`SELECT ${OPERATOR_COLUMNS} FROM operators WHERE id = $1`, [id]);
  return rows[0] === undefined ? undefined : withTokens(db, rows[0]);
}

export async function findOperatorByToken(db: Queryable, digest: string): Promise<OperatorRecord | undefined> {
  const { rows } = await db.query<OperatorRow>(
    `SELECT ${OPERATOR_COLUMNS} FROM operators WHERE id = (SELECT operator_id FROM operator_tokens WHERE digest = $1)`,
    [digest],
  );
  return rows[0] === undefined ? undefined : withTokens(db, rows[0]);
}

export async function removeOperator(db: Queryable, username: string, by: Actor): Promise<'removed' | 'not_found' | 'last_owner'> {
  const operator = await findOperatorLockingOwners(db, username);
  if (operator === undefined) return 'not_found';
  if (await isLastOwner(db, operator)) return 'last_owner';
  await db.query('DELETE FROM operators WHERE id = $1', [operator.id]);
  await writeAudit(db, by, operatorRemoved(operator.username));
  return 'removed';
}

export async function setOperatorRole(db: Queryable, username: string, role: OperatorRole, by: Actor): Promise<OperatorRecord | 'not_found' | 'last_owner'> {
  const operator = await findOperatorLockingOwners(db, username);
  if (operator === undefined) return 'not_found';
  // The same role again changes nothing, and records nothing.
  if (operator.role === role) return operator;
  if (role !== 'owner' && (await isLastOwner(db, operator))) return 'last_owner';
  await db.query('UPDATE operators SET role = $1 WHERE id = $2', [role, operator.id]);
  await writeAudit(db, by, operatorRoleChanged(operator.username, operator.role, role));
  return { ...operator, role };
}

/**
 * The operator, locked, after every owner is: two owners removing or demoting each other at
 * once take turns, and the second sees the first's change.
 */
async function findOperatorLockingOwners(db: Queryable, username: string): Promise<OperatorRecord | undefined> {
  await db.query("SELECT id FROM operators WHERE role = 'owner' ORDER BY id FOR UPDATE");
  return findOperator(db, username, true);
}

/** Whether taking this operator's owner role away (removing or demoting it) would leave no owner; under findOperatorLockingOwners's locks. */
async function isLastOwner(db: Queryable, operator: OperatorRecord): Promise<boolean> {
  if (operator.role !== 'owner') return false;
  const { rows } = await db.query<{ n: string }>("SELECT count(*) AS n FROM operators WHERE role = 'owner' AND id <> $1", [operator.id]);
  return rows[0]!.n === '0';
}

export async function setOperatorPassword(db: Queryable, username: string, passwordHash: string, by: Actor): Promise<'changed' | 'not_found'> {
  const { rows } = await db.query<{ id: string; username: string }>(
    'UPDATE operators SET password_hash = $1, password_changed_at = now() WHERE username_key = $2 RETURNING id, username',
    [passwordHash, operatorKey(username)],
  );
  if (rows[0] === undefined) return 'not_found';
  // A session opened with the old password ends with it (spec admin-api.md section 2).
  await db.query('DELETE FROM operator_sessions WHERE operator_id = $1', [rows[0].id]);
  await writeAudit(db, by, operatorPasswordChanged(rows[0].username));
  return 'changed';
}

export async function addOperatorToken(
  db: Queryable,
  username: string,
  token: { readonly label: string; readonly digest: string },
  by: Actor,
): Promise<'added' | 'not_found' | 'label_taken'> {
  const operator = await findOperator(db, username, true);
  if (operator === undefined) return 'not_found';
  if (operator.tokens.some((held) => held.label === token.label)) return 'label_taken';
  await db.query('INSERT INTO operator_tokens (operator_id, label, digest) VALUES ($1, $2, $3)', [operator.id, token.label, token.digest]);
  await writeAudit(db, by, operatorTokenAdded(operator.username, token.label));
  return 'added';
}

export async function revokeOperatorToken(db: Queryable, username: string, label: string, by: Actor): Promise<'revoked' | 'not_found'> {
  const { rows } = await db.query<{ username: string }>(
    `DELETE FROM operator_tokens t USING operators o
      WHERE t.operator_id = o.id AND o.username_key = $1 AND t.label = $2 RETURNING o.username`,
    [operatorKey(username), label],
  );
  if (rows[0] === undefined) return 'not_found';
  await writeAudit(db, by, operatorTokenRevoked(rows[0].username, label));
  return 'revoked';
}

async function withTokens(db: Queryable, row: OperatorRow): Promise<OperatorRecord> {
  const { rows } = await db.query<TokenRow>('SELECT operator_id, label, created_at FROM operator_tokens WHERE operator_id = $1 ORDER BY id', [row.id]);
  return toOperator(row, rows);
}

/** Every operator with its tokens' digests, for a copy: a handful of rows, read at once. */
export async function storedOperators(db: Queryable): Promise<StoredOperator[]> {
  const operators = await db.query<OperatorRow>(`SELECT ${OPERATOR_COLUMNS} FROM operators ORDER BY id`);
  const tokens = await db.query<TokenRow & { digest: string }>('SELECT operator_id, label, digest, created_at FROM operator_tokens ORDER BY id');
  return operators.rows.map((row) => ({
    ...operatorFields(row),
    tokens: tokens.rows
      .filter((token) => token.operator_id === row.id)
      .map((token) => ({ label: token.label, digest: token.digest, createdAt: token.created_at.toISOString() })),
  }));
}

function toOperator(row: OperatorRow, tokens: readonly TokenRow[]): OperatorRecord {
  return { ...operatorFields(row), tokens: tokens.map((token) => ({ label: token.label, createdAt: token.created_at.toISOString() })) };
}

function operatorFields(row: OperatorRow): Omit<OperatorRecord, 'tokens'> {
  return {
    id: Number(row.id),
    username: row.username,
    role: row.role,
    passwordHash: row.password_hash,
    passwordChangedAt: row.password_changed_at.toISOString(),
    createdAt: row.created_at.toISOString(),
  };
}
