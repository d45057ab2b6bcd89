/** Which database locations Tally opens, and how a location is written into a command to run next. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tallyCommand, shellWord } from '../../src/cli/command-hint.js';
import { locationProblem } from '../../src/store/location.js';
import { parsePgLocation } from '../../src/store/postgres/connection.js';

describe('the locations Tally opens', () => {
  it('takes SQLite paths, a colon in a file name included, and postgres:// or postgresql:// URLs', () => {
    for (const location of ['data/tally.db', '/var/lib/tally/tally.db', './a:b.db', 'a:b.db', 'C:tally.db', 'postgres://u@h/d', 'PostgreSQL://u@h/d?schema=s']) {
      assert.equal(locationProblem(location, '--db'), undefined, location);
    }
  });

  it('refuses a URL of any other scheme, a postgres: without its two slashes, and SQLite file: URIs, naming the accepted forms', () => {
    assert.equal(locationProblem('mysql://x@y/z', '--db'), '--db takes a SQLite file path or a postgres:// or postgresql:// URL, not a mysql:// location');
    assert.equal(locationProblem('postgres:/h/d', 'TALLY_DB'), 'TALLY_DB takes a SQLite file path or a postgres:// or postgresql:// URL, not a postgres:/ location');
    for (const location of ['file:///tmp/x.db', 'file:x.db', 'FILE:x.db?mode=ro', 'sqlite:///x.db', 'https://example.com/x.db']) {
      assert.notEqual(locationProblem(location, '--to'), undefined, location);
    }
  });

  it('never echoes the rest of a refused URL, which may hold a password', () => {
    assert.doesNotMatch(locationProblem('mysql://root:s3cret@db/x', '--db') ?? '', /s3cret/);
  });
});

describe('a location written into a command to run next', () => {
  it('is a PostgreSQL URL as given, every password masked and every other parameter kept', () => {
    assert.equal(parsePgLocation('postgres://tally@db/billing?sslmode=require&schema=t1').retype, 'postgres://tally@db/billing?sslmode=require&schema=t1');
    assert.equal(
      parsePgLocation('postgres://tally:s3cret@db/billing?sslpassword=k3y&schema=t1').retype,
      'postgres://tally:***@db/billing?sslpassword=***&schema=t1',
    );
    assert.equal(parsePgLocation('postgresql:///billing?host=/run/postgresql').retype, 'postgresql:///billing?host=/run/postgresql');
  });

  it('is left out for the default location, and quoted for the shell where it needs it', () => {
    assert.equal(tallyCommand(['init'], './data/tally.db'), 'tally init');
    assert.equal(tallyCommand(['init'], '/srv/tally.db'), 'tally init --db /srv/tally.db');
    assert.equal(tallyCommand(['init'], "/srv/my dir/it's.db"), "tally init --db '/srv/my dir/it'\\''s.db'");
    assert.equal(tallyCommand(['init'], 'postgres://u@h/d?schema=s'), "tally init --db 'postgres://u@h/d?schema=s'");
  });

  it('leaves a plain word alone and quotes any other', () => {
    assert.equal(shellWord('api_secret_key'), 'api_secret_key');
    for (const word of ['a b', '$HOME', 'a*', '~x', 'a&b', 'a;b', '', 'é']) assert.match(shellWord(word), /^'.*'$/, word);
  });
});
