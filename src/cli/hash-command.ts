/**
 * `tally hash URI`: Kolmisoft's "Generate hash" tool. The hash alone goes to standard output
 * (so `H=$(tally hash ...)` works); the values it concatenated go to standard error; the key
 * goes nowhere.
 */
import type { Command } from 'commander';
import { TallyError } from '../domain/errors.js';
import { HASH_RECIPES } from '../domain/api-methods.js';
import { computeHash, hashMatches } from '../domain/hash.js';
import { parseUrlEncoded } from '../http/body/url-encoded.js';
import { tallyCommand } from './command-hint.js';
import { cliConfig, withDbOption, withStore, type DbOption } from './context.js';
import { EXIT_FAILURE } from './exit-codes.js';

const DEFAULT_METHOD = 'user_balance_get';

export function registerHash(program: Command): void {
  withDbOption(
    program
      .command('hash')
      .description('print the hash a request needs, like Kolmisoft\'s "Generate hash" tool')
      .argument('<uri>', 'request URI, e.g. "/billing/api/user_balance_get?username=alice&currency=EUR", or just its query')
      .option('--secret <key>', 'use this key instead of the configured api_secret_key'),
  ).action(async (uri: string, options: DbOption & { secret?: string }) => {
    const { method, query } = splitUri(uri);
    const recipe = HASH_RECIPES.get(method);
    if (recipe === undefined) throw new TallyError('invalid_value', `${method} is not an API method with a hash`);
    const params = new Map<string, string>();
    if (!parseUrlEncoded(query, params)) throw new TallyError('invalid_value', 'the URI has a broken percent escape');

    if (options.secret === '') throw new TallyError('invalid_value', '--secret must not be empty');
    const secret = options.secret ?? (await withStore(options, async (store) => (await store.readSettings()).get('api_secret_key') ?? ''));
    if (secret === '') {
      const set = tallyCommand(['settings', 'set', 'api_secret_key', 'KEY'], cliConfig({ db: options.db }).db);
      throw new TallyError('conflict', `the API secret key is empty: set one with "${set}"`);
    }

    const values = recipe.hashedValues(params);
    // A recipe of no parameters hashes the key alone on purpose; a URI with none of a recipe's is a mistake.
    if (values.length === 0 && recipe.names.length > 0) {
      throw new TallyError('invalid_value', `the URI carries none of the parameters ${method} hashes: nothing to sign but the key`);
    }
    process.stdout.write(computeHash(values, secret) + '\n');
    const described = values.length === 0 ? 'no parameter values' : values.map((value) => JSON.stringify(value)).join(' + ');
    process.stderr.write(`${method}: SHA1 of ${described} + the secret key\n`);
    const given = params.get('hash');
    if (given !== undefined) {
      const matches = hashMatches(given, values, secret);
      process.stderr.write(`the hash in the URI ${matches ? 'matches' : 'does NOT match'}\n`);
      // A script checking a client's URL needs the answer in the status, not only in words.
      if (!matches) process.exitCode = EXIT_FAILURE;
    }
  });
}

/**
 * The API method named by the URI and its query. A bare query (`username=alice&currency=EUR`,
 * `?username=alice`) has no `/` before its first `=`; anything else has a path, perhaps after a
 * scheme and host (`http://host:8080/billing/api/...`, `host:8080/billing/api/...`). Without a
 * path, the method is user_balance_get.
 */
function splitUri(uri: string): { method: string; query: string } {
  const text = uri.split('#', 1)[0]!;
  const firstSlash = text.indexOf('/');
  const firstEquals = text.indexOf('=');
  if (firstSlash === -1 || (firstEquals !== -1 && firstEquals < firstSlash)) {
    const question = text.indexOf('?');
    if (question === -1) return { method: DEFAULT_METHOD, query: text };
    return { method: text.slice(0, question) || DEFAULT_METHOD, query: text.slice(question + 1) };
  }
  const withoutOrigin = text.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/^[^/]+/, '');
  const queryStart = withoutOrigin.indexOf('?');
  const path = queryStart === -1 ? withoutOrigin : withoutOrigin.slice(0, queryStart);
  const segments = path.split('/').filter((segment) => segment !== '');
  const apiIndex = segments.lastIndexOf('api');
  const method = (apiIndex !== -1 ? segments[apiIndex + 1] : segments.at(-1)) ?? DEFAULT_METHOD;
  return { method, query: queryStart === -1 ? '' : withoutOrigin.slice(queryStart + 1) };
}
