/**
 * A Tally client that signs its requests (README, "Security"). It depends on nothing but
 * Node.js 20, so it can be copied into an application as it is.
 *
 *   const client = new TallyClient({ baseUrl: 'http://127.0.0.1:8080', apiSecretKey, signingKey });
 *   const xml = await client.balance('alice');
 *
 * Every request carries Kolmisoft's hash (so the server's usual checks pass) and, in headers,
 * an HMAC-SHA256 signature over the method, the path, the sorted parameters, a timestamp and a
 * nonce: a captured request cannot be replayed, or changed, or sent again after five minutes.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

export interface TallyClientOptions {
  /** Where Tally listens, e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  /** `tally settings get api_secret_key`: the key of Kolmisoft's hash. */
  readonly apiSecretKey: string;
  /** `tally settings get signature_key`: the key of the request signature. */
  readonly signingKey: string;
}

export type Params = ReadonlyArray<readonly [name: string, value: string]>;

export interface SignatureHeaders {
  readonly 'X-Tally-Timestamp': string;
  readonly 'X-Tally-Nonce': string;
  readonly 'X-Tally-Signature': string;
}

/**
 * The signature headers of one request. The signed text is six lines joined by `\n`:
 * `TALLY-HMAC-SHA256`, the method, the path, the parameters, the timestamp (Unix seconds)
 * and the nonce (16 to 64 of `A-Z a-z 0-9 _ -`, never used before). The parameters are every
 * `name=value` the request sends, query and body, each part encoded with encodeURIComponent,
 * sorted by encoded name then value, joined by `&`. The signature is the HMAC in hex.
 */
export function signRequest(
  method: 'GET' | 'POST',
  path: string,
  params: Params,
  signingKey: string,
  now: Date = new Date(),
  nonce: string = randomBytes(16).toString('hex'),
): SignatureHeaders {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const pairs = params.map(([name, value]) => [encodeURIComponent(name), encodeURIComponent(value)] as const);
  pairs.sort(([nameA, valueA], [nameB, valueB]) => compare(nameA, nameB) || compare(valueA, valueB));
  const canonical = ['TALLY-HMAC-SHA256', method, path, pairs.map(([name, value]) => `${name}=${value}`).join('&'), timestamp, nonce].join('\n');
  const signature = createHmac('sha256', signingKey).update(canonical, 'utf8').digest('hex');
  return { 'X-Tally-Timestamp': timestamp, 'X-Tally-Nonce': nonce, 'X-Tally-Signature': signature };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Kolmisoft's hash: hex SHA1 of the method's hashed values, then the API secret key. */
export function kolmisoftHash(values: readonly string[], apiSecretKey: string): string {
  return createHash('sha1').update(values.join('') + apiSecretKey, 'utf8').digest('hex');
}

export class TallyClient {
  constructor(private readonly options: TallyClientOptions) {}

  /** user_balance_get: the XML answer as it came, for `currency` if given. */
  async balance(username: string, currency?: string): Promise<string> {
    const params: [string, string][] = [['username', username]];
    if (currency !== undefined) params.push(['currency', currency]);
    params.push(['hash', kolmisoftHash([username, currency ?? ''], this.options.apiSecretKey)]);
    return (await this.post('/billing/api/user_balance_get', params)).text();
  }

  /**
   * user_balance_update: adds `amount` (a decimal string such as "-1.50") to a user's balance,
   * as the admin `adminLogin`; `transactionId` makes a retry safe.
   */
  async updateBalance(adminLogin: string, userId: number, amount: string, transactionId: string): Promise<string> {
    const params: [string, string][] = [
      ['u', adminLogin],
      ['user_id', String(userId)],
      ['balance', amount],
      ['transaction_id', transactionId],
      ['hash', kolmisoftHash([String(userId), amount, transactionId], this.options.apiSecretKey)],
    ];
    return (await this.post('/billing/api/user_balance_update', params)).text();
  }

  /** A signed form POST of `params` to `path`. */
  async post(path: string, params: Params, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(new URL(path, this.options.baseUrl), {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        ...signRequest('POST', path, params, this.options.signingKey),
        ...headers,
      },
      body: new URLSearchParams(params.map(([name, value]): [string, string] => [name, value])).toString(),
    });
  }
}
