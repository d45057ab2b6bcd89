/**
 * The admin API's typed client: openapi-fetch over the types generated from the OpenAPI
 * document (schema.ts), so a call names a path and gets its body's and answer's types.
 * The tests and the web console talk to the API through it.
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { paths } from './schema.js';

export type { paths, components, operations } from './schema.js';

export type AdminClient = Client<paths>;

export interface AdminClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** An API token (`tally operator token NAME`): sent as `Authorization: Bearer …`. */
  readonly token?: string;
}

/** A client of the admin listener at `baseUrl` (`http://127.0.0.1:8081`). */
export function createAdminClient(baseUrl: string, options: AdminClientOptions = {}): AdminClient {
  const { token, headers, ...rest } = options;
  return createClient<paths>({
    baseUrl,
    ...rest,
    headers: { ...(token !== undefined && { Authorization: `Bearer ${token}` }), ...(headers as Record<string, string> | undefined) },
  });
}
