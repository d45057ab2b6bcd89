/** How a PostgreSQL location is shown in logs and in /readyz: never with a password. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePgLocation } from '../../src/store/postgres/connection.js';

describe('the PostgreSQL location as displayed', () => {
  it('masks the password of the user part and keeps the schema', () => {
    assert.equal(parsePgLocation('postgres://tally:s3cret@db.internal:5432/billing?schema=tally').display, 'postgres://tally:***@db.internal:5432/billing?schema=tally');
  });

  it('drops every query parameter but the schema, since node-postgres reads a password there too', () => {
    const display = parsePgLocation('postgres://tally@db.internal/billing?password=s3cret&sslpassword=k3y&schema=t1').display;
    assert.equal(display, 'postgres://tally@db.internal/billing?schema=t1');
    assert.equal(parsePgLocation('postgres://tally@db.internal/billing?password=s3cret').display, 'postgres://tally@db.internal/billing');
  });
});

describe('the PostgreSQL location as read', () => {
  it('refuses a parameter node-postgres would ignore, such as a mistyped schema, naming it', () => {
    for (const typo of ['shema', 'foo', 'Schema', 'connect_timeout', 'binary']) {
      assert.throws(() => parsePgLocation(`postgres://tally@db/billing?${typo}=t1`), (error: Error) => error.message.includes(`"${typo}"`));
    }
  });

  it('refuses options beside a schema, which would replace its search_path', () => {
    assert.throws(() => parsePgLocation('postgres://tally@db/billing?schema=t1&options=-c%20search_path%3Dpublic'), /both schema and options/);
  });

  it('takes the parameters node-postgres reads', () => {
    const parsed = parsePgLocation('postgres://tally@db/billing?sslmode=require&application_name=tally&statement_timeout=5000&schema=t1');
    assert.equal(parsed.schema, 't1');
    assert.equal(parsed.connectionString, 'postgres://tally@db/billing?sslmode=require&application_name=tally&statement_timeout=5000');
  });
});
