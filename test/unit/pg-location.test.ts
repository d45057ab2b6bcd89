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
