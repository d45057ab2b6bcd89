/** Operators' roles, names and credentials (spec admin-api.md section 2). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API_TOKEN_PREFIX, DECOY_PASSWORD_HASH, hashPassword, newApiToken, tokenDigest, verifyPassword } from '../../src/domain/credentials.js';
import { operatorNameProblem, passwordProblem, roleAllows, tokenLabelProblem, type OperatorRole } from '../../src/domain/operators.js';

describe('operator roles', () => {
  it('lets each role do what it and the roles below it may, and nothing above', () => {
    const allowed: [OperatorRole, OperatorRole, boolean][] = [
      ['viewer', 'viewer', true], ['viewer', 'admin', false], ['viewer', 'owner', false],
      ['admin', 'viewer', true], ['admin', 'admin', true], ['admin', 'owner', false],
      ['owner', 'viewer', true], ['owner', 'admin', true], ['owner', 'owner', true],
    ];
    for (const [held, needed, expected] of allowed) assert.equal(roleAllows(held, needed), expected, `${held} doing ${needed}'s work`);
  });
});

describe('operator names, passwords and token labels', () => {
  it('takes names of letters, digits and . _ @ -, and refuses the rest in words', () => {
    for (const good of ['alice', 'ops.bot', 'a', 'jane@example.com', 'x'.repeat(64)]) assert.equal(operatorNameProblem(good), undefined, good);
    for (const bad of ['', ' alice', 'alice smith', '-x', '.x', 'x'.repeat(65), 'zoë', 'a/b', 'a%2f']) assert.notEqual(operatorNameProblem(bad), undefined, bad);
  });

  it('wants passwords of 12 characters at least, counted as characters', () => {
    assert.equal(passwordProblem('eleven-char'), 'a password has at least 12 characters');
    assert.equal(passwordProblem('twelve-chars'), undefined);
    assert.equal(passwordProblem('ééééééééééé'), 'a password has at least 12 characters', '11 characters, 22 bytes');
    assert.equal(passwordProblem('x'.repeat(1025)), 'a password has at most 1024 characters');
    assert.equal(passwordProblem('\ud800'.repeat(12)), 'a password must be valid Unicode text');
  });

  it('takes printable labels without spaces at either end', () => {
    assert.equal(tokenLabelProblem('ci deploy'), undefined);
    for (const bad of ['', ' ci', 'ci ', 'a\tb', 'x'.repeat(65), 'ünï']) assert.notEqual(tokenLabelProblem(bad), undefined, JSON.stringify(bad));
  });
});

describe('password hashes', () => {
  it('verifies the password a hash was made from, and no other', async () => {
    const stored = await hashPassword('correct horse battery');
    assert.match(stored, /^scrypt\$32768\$8\$3\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.equal(stored.includes('correct horse'), false);
    assert.equal(await verifyPassword('correct horse battery', stored), true);
    assert.equal(await verifyPassword('correct horse batterY', stored), false);
    assert.equal(await verifyPassword('', stored), false);
  });

  it('salts each hash: one password hashed twice gives two hashes', async () => {
    assert.notEqual(await hashPassword('the same password'), await hashPassword('the same password'));
  });

  it('reads a password in NFC, so both spellings of é are one password', async () => {
    const stored = await hashPassword('caf\u00e9 au lait please');
    assert.equal(await verifyPassword('cafe\u0301 au lait please', stored), true);
  });

  it('matches nothing with a stored value that does not parse, nor with the decoy', async () => {
    for (const broken of ['', 'scrypt', 'bcrypt$1$2$3$abc$def', 'scrypt$x$8$3$AAAA$AAAA', `scrypt$32768$8$3$${'A'.repeat(22)}$short`]) {
      assert.equal(await verifyPassword('anything at all', broken), false, broken);
    }
    assert.equal(await verifyPassword('AAAAAAAAAAAAAAAAAAAAAAAA', DECOY_PASSWORD_HASH), false);
  });
});

describe('API tokens', () => {
  it('are long, random, recognisable, and kept as a digest only', () => {
    const token = newApiToken();
    assert.match(token, new RegExp(`^${API_TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`));
    assert.notEqual(newApiToken(), token);
    const digest = tokenDigest(token);
    assert.match(digest, /^[0-9a-f]{64}$/);
    assert.equal(tokenDigest(token), digest);
    assert.notEqual(tokenDigest(newApiToken()), digest);
  });
});
