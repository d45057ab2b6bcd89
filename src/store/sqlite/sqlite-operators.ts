/** Operators of the admin API and their tokens on SQLite; each change runs in the caller's transaction. */
import type Database from 'better-sqlite3';
import type { Actor } from '../../domain/actor.js';
import { operatorAdded, operatorPasswordChanged, operatorRemoved, operatorRoleChanged, operatorTokenAdded, operatorTokenRevoked } from '../../domain/audit-events.js';
import { TallyError } from '../../domain/errors.js';
import { operatorKey, type OperatorRole } from '../../domain/operators.js';
import type { NewOperator, OperatorRecord, StoredOperator } from '../store.js';
import type { SqliteAudit } from './sqlite-audit.js';

interface OperatorRow {
  id: bigint;
  username: string;
  role: OperatorRole;
  password_hash: string;
  password_changed_at: string;
  created_at: string;
}

interface TokenRow {
  operator_id: bigint;
  label: string;
  created_at: string;
}

const OPERATOR_COLUMNS = 'id, username, role, password_hash, password_changed_at, created_at';

export class SqliteOperators {
  private readonly statements;

  constructor(
    db: Database.Database,
    private readonly audit: SqliteAudit,
  ) {
    const prepare = <Params extends unknown[] | object, Row = unknown>(sql: string) => db.prepare<Params, Row>(sql).safeIntegers(true);
    this.statements = {
      insert: prepare<[username: string, key: string, role: OperatorRole, passwordHash: string], OperatorRow>(
        `INSERT INTO operators (username, username_key, role, password_hash) VALUES (?, ?, ?, ?) RETURNING ${OPERATOR_COLUMNS}`,
      ),
      all: prepare<[], OperatorRow>(`SELECT ${OPERATOR_COLUMNS} FROM operators ORDER BY username_key`),
      byKey: prepare<[key: string], OperatorRow>(`SELECT ${OPERATOR_COLUMNS} FROM operators WHERE username_key = ?`),
      byId: prepare<[id: bigint], OperatorRow>(`SELECT ${OPERATOR_COLUMNS} FROM operators WHERE id = ?`),
      endSessions: prepare<[operatorId: bigint]>('DELETE FROM operator_sessions WHERE operator_id = ?'),
      byToken: prepare<[digest: string], OperatorRow>(
        `SELECT ${OPERATOR_COLUMNS} FROM operators WHERE id = (SELECT operator_id FROM operator_tokens WHERE digest = ?)`,
      ),
      tokensOf: prepare<[operatorId: bigint], TokenRow>('SELECT operator_id, label, created_at FROM operator_tokens WHERE operator_id = ? ORDER BY id'),
      allTokens: prepare<[], TokenRow>('SELECT operator_id, label, created_at FROM operator_tokens ORDER BY id'),
      otherOwners: prepare<[operatorId: bigint], { n: bigint }>("SELECT count(*) AS n FROM operators WHERE role = 'owner' AND id <> ?"),
      remove: prepare<[operatorId: bigint]>('DELETE FROM operators WHERE id = ?'),
      setRole: prepare<[role: OperatorRole, operatorId: bigint]>('UPDATE operators SET role = ? WHERE id = ?'),
      setPassword: prepare<[passwordHash: string, operatorId: bigint]>(
        "UPDATE operators SET password_hash = ?, password_changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
      ),
      tokenLabelTaken: prepare<[operatorId: bigint, label: string]>('SELECT 1 FROM operator_tokens WHERE operator_id = ? AND label = ?'),
      addToken: prepare<[operatorId: bigint, label: string, digest: string]>('INSERT INTO operator_tokens (operator_id, label, digest) VALUES (?, ?, ?)'),
      revokeToken: prepare<[operatorId: bigint, label: string]>('DELETE FROM operator_tokens WHERE operator_id = ? AND label = ?'),
    };
  }

  add(operator: NewOperator, by: Actor): OperatorRecord {
    const key = operatorKey(operator.username);
    if (this.statements.byKey.get(key) !== undefined) throw new TallyError('already_exists', `an operator named ${operator.username} exists`);
    const row = this.statements.insert.get(operator.username, key, operator.role, operator.passwordHash)!;
    this.audit.write(by, operatorAdded(row.username, row.role));
    return this.record(row);
  }

  list(): OperatorRecord[] {
    const tokens = new Map<bigint, TokenRow[]>();
    for (const token of this.statements.allTokens.all()) {
      const held = tokens.get(token.operator_id);
      if (held === undefined) tokens.set(token.operator_id, [token]);
      else held.push(token);
    }
    return this.statements.all.all().map((row) => toOperator(row, tokens.get(row.id) ?? []));
  }

  find(username: string): OperatorRecord | undefined {
    const row = this.statements.byKey.get(operatorKey(username));
    return row === undefined ? undefined : this.record(row);
  }

  findById(id: bigint): OperatorRecord | undefined {
    const row = this.statements.byId.get(id);
    return row === undefined ? undefined : this.record(row);
  }

  findByToken(digest: string): OperatorRecord | undefined {
    const row = this.statements.byToken.get(digest);
    return row === undefined ? undefined : this.record(row);
  }

  remove(username: string, by: Actor): 'removed' | 'not_found' | 'last_owner' {
    const row = this.statements.byKey.get(operatorKey(username));
    if (row === undefined) return 'not_found';
    if (this.isLastOwner(row)) return 'last_owner';
    this.statements.remove.run(row.id);
    this.audit.write(by, operatorRemoved(row.username));
    return 'removed';
  }

  setRole(username: string, role: OperatorRole, by: Actor): OperatorRecord | 'not_found' | 'last_owner' {
    const row = this.statements.byKey.get(operatorKey(username));
    if (row === undefined) return 'not_found';
    // The same role again changes nothing, and records nothing.
    if (row.role === role) return this.record(row);
    if (role !== 'owner' && this.isLastOwner(row)) return 'last_owner';
    this.statements.setRole.run(role, row.id);
    this.audit.write(by, operatorRoleChanged(row.username, row.role, role));
    return this.record({ ...row, role });
  }

  setPassword(username: string, passwordHash: string, by: Actor): 'changed' | 'not_found' {
    const row = this.statements.byKey.get(operatorKey(username));
    if (row === undefined) return 'not_found';
    this.statements.setPassword.run(passwordHash, row.id);
    // A session opened with the old password ends with it (spec admin-api.md section 2).
    this.statements.endSessions.run(row.id);
    this.audit.write(by, operatorPasswordChanged(row.username));
    return 'changed';
  }

  addToken(username: string, token: { readonly label: string; readonly digest: string }, by: Actor): 'added' | 'not_found' | 'label_taken' {
    const row = this.statements.byKey.get(operatorKey(username));
    if (row === undefined) return 'not_found';
    if (this.statements.tokenLabelTaken.get(row.id, token.label) !== undefined) return 'label_taken';
    this.statements.addToken.run(row.id, token.label, token.digest);
    this.audit.write(by, operatorTokenAdded(row.username, token.label));
    return 'added';
  }

  revokeToken(username: string, label: string, by: Actor): 'revoked' | 'not_found' {
    const row = this.statements.byKey.get(operatorKey(username));
    if (row === undefined || this.statements.revokeToken.run(row.id, label).changes === 0) return 'not_found';
    this.audit.write(by, operatorTokenRevoked(row.username, label));
    return 'revoked';
  }

  /**
   * Whether taking this operator's owner role away (removing or demoting it) would leave no
   * owner. Asked in the change's own transaction: two owners removing or demoting each other
   * cannot both succeed.
   */
  private isLastOwner(row: OperatorRow): boolean {
    return row.role === 'owner' && this.statements.otherOwners.get(row.id)!.n === 0n;
  }

  private record(row: OperatorRow): OperatorRecord {
    return toOperator(row, this.statements.tokensOf.all(row.id));
  }
}

/** Every operator with its tokens' digests, for a copy: a handful of rows, read at once. */
export function storedOperators(db: Database.Database): StoredOperator[] {
  const operators = db.prepare<[], OperatorRow>(`SELECT ${OPERATOR_COLUMNS} FROM operators ORDER BY id`).safeIntegers(true).all();
  const tokens = db.prepare<[], TokenRow & { digest: string }>('SELECT operator_id, label, digest, created_at FROM operator_tokens ORDER BY id').safeIntegers(true).all();
  return operators.map((row) => ({
    ...operatorFields(row),
    tokens: tokens.filter((token) => token.operator_id === row.id).map((token) => ({ label: token.label, digest: token.digest, createdAt: token.created_at })),
  }));
}

function toOperator(row: OperatorRow, tokens: readonly TokenRow[]): OperatorRecord {
  return { ...operatorFields(row), tokens: tokens.map((token) => ({ label: token.label, createdAt: token.created_at })) };
}

function operatorFields(row: OperatorRow): Omit<OperatorRecord, 'tokens'> {
  return {
    id: Number(row.id),
    username: row.username,
    role: row.role,
    passwordHash: row.password_hash,
    passwordChangedAt: row.password_changed_at,
    createdAt: row.created_at,
  };
}
