/**
 * The operations of the served OpenAPI document, as the cross-cutting tests walk them: each
 * test loops over these, so an operation added later is covered without a change to the test.
 */

export interface MediaContent {
  readonly schema?: unknown;
  readonly example?: unknown;
}

export interface DocumentOperation {
  readonly method: string;
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly role: 'viewer' | 'admin' | 'owner' | 'public';
  readonly responses: Readonly<Record<string, unknown>>;
  readonly requestBody?: { readonly content: Readonly<Record<string, MediaContent>> };
  readonly parameters?: readonly { readonly name: string; readonly in: string; readonly schema?: { readonly examples?: readonly unknown[] } }[];
}

export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: { readonly description: string };
  readonly paths: Readonly<Record<string, Readonly<Record<string, Omit<DocumentOperation, 'method' | 'path' | 'role'> & { readonly 'x-tally-role': DocumentOperation['role'] }>>>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export function documentOperations(document: OpenApiDocument): DocumentOperation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ ...op, method: method.toUpperCase(), path, role: op['x-tally-role'] })),
  );
}

// Plausible values by parameter name; any other takes its schema's example, else `x`.
const PLAUSIBLE: Readonly<Record<string, string>> = { id: '1', code: 'EUR', name: 'x', address: '192.0.2.1' };

/** The operation's path with each `{name}` filled by a plausible value. */
export function filledPath(op: DocumentOperation): string {
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const parameter = op.parameters?.find((candidate) => candidate.in === 'path' && candidate.name === name);
    const example = parameter?.schema?.examples?.[0];
    return encodeURIComponent(PLAUSIBLE[name] ?? (typeof example === 'string' ? example : 'x'));
  });
}

/** The operation's example body and its Content-Type, when it takes one. */
export function exampleBody(op: DocumentOperation): { body: string; type: string } | undefined {
  const [type, content] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
  if (type === undefined || content === undefined) return undefined;
  const example = content.example;
  return { type, body: typeof example === 'string' ? example : JSON.stringify(example ?? {}) };
}
