/** `tally import --from mysql://...` through the real binary, on both backends: its report, its refusals, and no password in any of it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runTally } from '../support/fixtures.js';
import { BACKENDS, backendOptions, freshDb } from '../store/backends.js';
import { kolmisoftDb, mysqlOptions } from './kolmisoft-fixture.js';

describe('tally import --from', mysqlOptions(), () => {
  for (const backend of BACKENDS) {
    describe(backend, backendOptions(backend), () => {
      it('imports a Kolmisoft database, prints its report, and tally verify is clean after it', async (t) => {
        const { db, store } = await freshDb(t, backend);
        await store.close();
        const source = await kolmisoftDb(t, {
          currencies: "(1, 'USD', 1, 1), (2, 'EUR', 0.9, 1)",
          users: "(0, 'admin', 'admin', '', '', 7, 1, 'adminToken', 0), (1, 'bob', 'user', 'Bob', NULL, 10.0840336134454, 2, 'tok1', 0), (2, 'gone', 'user', '', '', 5, 1, 'tok2', 1)",
        });
        const dry = await runTally(['import', '--from', source.url, '--dry-run', '--db', db]);
        assert.equal(dry.code, 0, dry.stderr);
        assert.match(dry.stdout, /^would import 1 users from mysql:\/\/root@127\.0\.0\.1:3306\/tally_kolmisoft_\w+; nothing was written \(dry run\)\n/);
        const result = await runTally(['import', '--from', source.url, '--db', db]);
        assert.equal(result.code, 0, result.stderr);
        assert.equal(
          result.stdout,
          [
            `imported 1 users from ${source.url}`,
            "Kolmisoft's admin (id 0): its balance, names and token came over onto Tally's admin account",
            'hidden users skipped: 1',
            'balances rounded half away from zero to 6 fractional digits: 1 not exact, by at most 0.0000003865546',
            'currencies added: EUR; rates changed: none',
            '',
          ].join('\n'),
        );
        // Not a terminal: the bar is plain lines on stderr.
        assert.match(result.stderr, /^checking rows: 3\/3 \(100%\)$/m);
        assert.match(result.stderr, /^importing: 1\/1 \(100%\)$/m);
        const verify = await runTally(['verify', '--db', db]);
        assert.equal(verify.code, 0, verify.stderr);
        assert.equal(verify.stdout, 'ok: 2 users, 2 ledger entries; every balance equals the sum of its entries\n');
      });

      it('lists every refused row on stderr and exits 1, and names the source without its password', async (t) => {
        const { db, store } = await freshDb(t, backend);
        await store.close();
        const source = await kolmisoftDb(t, { currencies: "(1, 'USD', 1, 1)", users: "(1, 'bob', 'user', '', '', 1, 1, 'tok1', 0), (2, 'Bob', 'user', '', '', 1, 1, 'tok2', 0), (3, 'carl', 'user', '', '', 1, 7, 'tok3', 0)" });
        const refused = await runTally(['import', '--from', source.url, '--db', db]);
        assert.equal(refused.code, 1);
        assert.equal(refused.stdout, '');
        assert.equal(
          refused.stderr.split('\n').filter((line) => !line.startsWith('checking rows')).join('\n'),
          [
            'users row 2: username "Bob" repeats row 1 (usernames ignore letter case)',
            'users row 3: currency_id 7 is not in currencies',
            `tally: 2 problems in ${source.url}; nothing was imported`,
            '',
          ].join('\n'),
        );
        const secret = new URL(source.url);
        secret.password = 'Sup3rSecretPw';
        const denied = await runTally(['import', '--from', secret.toString(), '--db', db]);
        assert.equal(denied.code, 1);
        assert.match(denied.stderr, /^tally: cannot read the Kolmisoft database at mysql:\/\/root@127\.0\.0\.1:3306\/tally_kolmisoft_\w+: Access denied for user 'root'/);
        assert.doesNotMatch(denied.stderr + denied.stdout, /Sup3rSecretPw/);
      });
    });
  }
});
