/**
 * The OpenAPI 3.1 document of the admin API, built from the operations' own schemas and the
 * problem catalogue when the server starts: what validates a request is what documents it, so
 * the two cannot drift, and no JSON is written by hand.
 */
import type { TObject, TSchema } from 'typebox';
import { packageVersion } from '../cli/version.js';
import type { Operation } from './operation.js';
import { PROBLEM_CODES, PROBLEMS, problemType, type ProblemCode } from './problems.js';
import { ProblemSchema } from './schemas.js';

const TAGS: readonly { readonly name: string; readonly description: string }[] = [
  { name: 'Session', description: 'Signing in and out of the console (a cookie and its CSRF token).' },
  { name: 'Users', description: 'Customers: the accounts the Kolmisoft API answers for.' },
  { name: 'Balances', description: 'Adjustments and the ledger: every balance change is one immutable entry.' },
  { name: 'Currencies', description: 'Exchange rates against the system currency, and their history.' },
  { name: 'Settings', description: "Kolmisoft's API settings and Tally's own, and their keys." },
  { name: 'Security', description: 'Throttled client addresses, the audit log, and operators.' },
  { name: 'Webhooks', description: 'Endpoints that events (balance.low, balance.changed...) are delivered to, signed by the Standard Webhooks specification.' },
  { name: 'Tools', description: 'Verify the ledger, import users, generate a hash, statistics.' },
  { name: 'Reference', description: 'This document.' },
];

const DESCRIPTION = `Tally's JSON API for the people and scripts that run it, and for its web console.

- **Authentication**: \`Authorization: Bearer TOKEN\` (make one with \`tally operator token NAME\`), or the session cookie of \`POST /admin/v1/session\`; a request the cookie signs in must send the session's \`csrf_token\` in \`X-CSRF-Token\` unless it is a GET. Wrong credentials count against the client address in the Kolmisoft API's throttle (429 with \`Retry-After\`).
- **Roles**: viewer < admin < owner; each operation says the one it needs (\`x-tally-role\`).
- **Money and rates** are exact decimals in JSON strings, never numbers. **Times** are RFC 3339 in UTC with milliseconds; \`from\` is inclusive, \`to\` exclusive.
- **Lists** answer \`{"data":[…],"next_cursor":…}\`; pass \`next_cursor\` back as \`cursor\`. \`limit\` is 1 to 500 (default 50).
- **Idempotency**: money-moving requests take \`Idempotency-Key\` (1 to 255 printable ASCII characters): the same key with the same body answers the first answer again, byte for byte; with any other request it is a 409.
- **Errors** are RFC 9457 problem documents:

${PROBLEM_CODES.map((code) => `<a id="problem-${code}"></a>\`${code}\` (${PROBLEMS[code].status}): ${PROBLEMS[code].about}`).join('\n\n')}`;

type Json = Record<string, unknown>;

/** What every answer carries, whatever its status. */
const STANDARD_HEADERS: Json = {
  'X-Request-Id': { $ref: '#/components/headers/RequestId' },
  'Cache-Control': { $ref: '#/components/headers/CacheControl' },
};

export function buildOpenApiDocument(operations: readonly Operation[]): Json {
  const paths: Record<string, Json> = {};
  const used = new Set<ProblemCode>();
  for (const op of operations) {
    const item = (paths[op.path] ??= {});
    item[op.method.toLowerCase()] = operationObject(op);
    for (const code of problemsOf(op)) used.add(code);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Tally admin API', version: packageVersion(), description: DESCRIPTION, license: { name: 'MIT', identifier: 'MIT' } },
    servers: [{ url: 'http://127.0.0.1:8081', description: 'The admin listener on its default address (TALLY_ADMIN_HOST, TALLY_ADMIN_PORT).' }],
    tags: TAGS,
    paths,
    components: {
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'An API token from `tally operator token NAME`.' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'tally_session', description: 'The cookie POST /admin/v1/session sets; send X-CSRF-Token on every request but GET.' },
      },
      schemas: { Problem: ProblemSchema },
      headers: {
        RequestId: { description: "The request's id: the client's own X-Request-Id when it is sane, else the server's.", schema: { type: 'string' } },
        RetryAfter: { description: 'Seconds until the client may try again.', schema: { type: 'integer' } },
        CacheControl: { description: 'Always `no-store`: answers may hold what only an operator may see.', schema: { type: 'string', const: 'no-store' } },
      },
      // Only the problems some operation answers: 405 belongs to no operation (it answers the
      // methods a path does not declare), so it is explained in the description alone.
      responses: Object.fromEntries(PROBLEM_CODES.filter((code) => used.has(code)).map((code) => [problemName(code), problemResponse(code)])),
    },
  };
}

function operationObject(op: Operation): Json {
  const role = op.access === 'public' ? 'none (no credentials needed)' : `${op.access} or above`;
  const parameters = [...pathParameters(op.params), ...queryParameters(op.query), ...headerParameters(op)];
  const responses: Json = {};
  for (const [status, answer] of Object.entries(op.answers)) {
    const media = answer.media === 'csv' ? 'text/csv' : 'application/json';
    responses[status] = {
      description: answer.description,
      headers: STANDARD_HEADERS,
      ...(answer.schema !== undefined && {
        content: { [media]: { schema: plain(answer.schema), ...(answer.example !== undefined && { example: answer.example }) } },
      }),
    };
  }
  for (const code of problemsOf(op)) responses[String(PROBLEMS[code].status)] = { $ref: `#/components/responses/${problemName(code)}` };
  return {
    operationId: op.id,
    summary: op.summary,
    description: `${op.description ?? op.summary}\n\n**Role:** ${role}.`,
    tags: [op.tag],
    'x-tally-role': op.access,
    security: op.access === 'public' ? [] : [{ bearerToken: [] }, { sessionCookie: [] }],
    ...(parameters.length > 0 && { parameters }),
    ...(op.body !== undefined || op.bodyMedia === 'csv' ? { requestBody: requestBody(op) } : {}),
    responses,
  };
}

function requestBody(op: Operation): Json {
  if (op.bodyMedia === 'csv') {
    return {
      required: true,
      content: { 'text/csv': { schema: { type: 'string', description: "The format of `tally import`'s files." }, ...(op.example !== undefined && { example: op.example }) } },
    };
  }
  return { required: true, content: { 'application/json': { schema: plain(op.body!), ...(op.example !== undefined && { example: op.example }) } } };
}

/**
 * The problems an operation may answer: its own, those of its access, and 500. Every one may
 * answer 422: a query parameter it does not take is refused by name.
 */
function problemsOf(op: Operation): ProblemCode[] {
  const codes = new Set<ProblemCode>(op.problems);
  if (op.access !== 'public') for (const code of ['unauthorized', 'forbidden', 'too_many_requests'] as const) codes.add(code);
  codes.add('invalid');
  if (op.body !== undefined) for (const code of ['malformed', 'invalid', 'unsupported_media_type', 'payload_too_large'] as const) codes.add(code);
  if (op.idempotent !== undefined) for (const code of ['conflict', 'invalid'] as const) codes.add(code);
  codes.add('internal');
  return PROBLEM_CODES.filter((code) => codes.has(code));
}

function pathParameters(schema: TObject | undefined): Json[] {
  if (schema === undefined) return [];
  return Object.entries(schema.properties).map(([name, property]) => ({ name, in: 'path', required: true, schema: plain(property), ...descriptionOf(property) }));
}

function queryParameters(schema: TObject | undefined): Json[] {
  if (schema === undefined) return [];
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([name, property]) => ({ name, in: 'query', required: required.has(name), schema: plain(property), ...descriptionOf(property) }));
}

function headerParameters(op: Operation): Json[] {
  const headers: Json[] = [];
  if (op.idempotent !== undefined) {
    headers.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'Makes the request safe to retry: the same key with the same body answers the first answer again and changes nothing; with another request, 409.',
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7e]+$' },
    });
  }
  if (op.access !== 'public' && op.method !== 'GET') {
    headers.push({
      name: 'X-CSRF-Token',
      in: 'header',
      required: false,
      description: "Required when the session cookie signs the request in: the session's csrf_token.",
      schema: { type: 'string' },
    });
  }
  return headers;
}

function problemResponse(code: ProblemCode): Json {
  const { status, title, about } = PROBLEMS[code];
  return {
    description: `${title}: ${about}`,
    headers: {
      ...STANDARD_HEADERS,
      ...(code === 'too_many_requests' && { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } }),
    },
    content: {
      'application/problem+json': {
        schema: { $ref: '#/components/schemas/Problem' },
        example: {
          type: problemType(code),
          title,
          status,
          code,
          detail: about,
          ...(code === 'invalid' && { errors: [{ field: 'amount', message: 'must be a string (money and rates are strings holding an exact decimal)' }] }),
        },
      },
    },
  };
}

function problemName(code: ProblemCode): string {
  return code
    .split('_')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

function descriptionOf(schema: TSchema): Json {
  const description = (schema as { description?: unknown }).description;
  return typeof description === 'string' ? { description } : {};
}

/** A TypeBox schema as plain JSON (TypeBox marks its objects with symbols the document need not carry). */
function plain(schema: TSchema): Json {
  return JSON.parse(JSON.stringify(schema)) as Json;
}
