/**
 * The OpenAPI document as a real server serves it (spec admin-api.md section 1, issue 12 point 4):
 * it passes Redocly's linter without a warning, the committed client is generated from it, it
 * documents every operation completely, and its reference page loads nothing from another host.
 * Every check walks the served document, so an operation added later is checked without a
 * change here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { ADMIN_OPERATIONS } from '../../src/admin-api/operations/index.js';
import { PROBLEM_CODES } from '../../src/admin-api/problems.js';
import { adminHarness, adminRequest } from './helpers.js';
import { documentOperations, type OpenApiDocument } from './served-operations.js';

// dist/test/admin-api/ -> the checkout.
const CHECKOUT = new URL('../../../', import.meta.url);

async function servedDocument(t: Parameters<typeof adminHarness>[0]): Promise<{ text: string; document: OpenApiDocument }> {
  const h = await adminHarness(t);
  const answer = await adminRequest(h, 'GET', '/admin/v1/openapi.json');
  assert.equal(answer.status, 200);
  assert.equal(answer.headers.get('content-type'), 'application/json; charset=utf-8');
  return { text: answer.text, document: answer.json as OpenApiDocument };
}

describe('the OpenAPI document', () => {
  test("passes Redocly's recommended-strict rules and the stricter ones a complete document needs, with no error and no warning", async (t) => {
    const { text } = await servedDocument(t);
    const config = await createConfig({
      extends: ['recommended-strict'],
      rules: {
        // Beyond recommended: examples that match their schemas, errors as problem documents,
        // every parameter and operation described, one defined tag each, and the headers
        // every answer carries. The purely stylistic rules of `all` (plural path segments,
        // alphabetical tags, minLength on every string) are left out: they say nothing of
        // whether the document is true or complete.
        'no-invalid-schema-examples': 'error',
        'no-invalid-parameter-examples': 'error',
        'no-required-schema-properties-undefined': 'error',
        'operation-4xx-problem-details-rfc7807': 'error',
        'operation-description': 'error',
        'parameter-description': 'error',
        'operation-tag-defined': 'error',
        'operation-singular-tag': 'error',
        'response-contains-header': {
          severity: 'error',
          names: { '2XX': ['X-Request-Id', 'Cache-Control'], '4XX': ['X-Request-Id', 'Cache-Control'], '5XX': ['X-Request-Id', 'Cache-Control'] },
        },
      },
    });
    const problems = await lintFromString({ source: text, absoluteRef: 'openapi.json', config });
    const found = problems.map((problem) => `${problem.severity} ${problem.ruleId}: ${problem.message} at ${problem.location.map((where) => where.pointer).join(', ')}`);
    assert.deepEqual(found, []);
  });

  test('is the one the committed client was generated from', async () => {
    // A JS file of the client-gen workspace: imported by URL, so TypeScript does not type-check it.
    const generator = (await import(new URL('tools/client-gen/generate.mjs', CHECKOUT).href)) as { generateClientSchema(): Promise<string> };
    const committed = readFileSync(fileURLToPath(new URL('src/admin-client/schema.ts', CHECKOUT)), 'utf8');
    const generated = await generator.generateClientSchema();
    assert.ok(generated === committed, 'src/admin-client/schema.ts is stale: run `npm run generate:client` and commit the result');
  });

  test('lists every operation of the surface, each with its id, summary, role, a 2xx, a 401 and 403 unless public, and a 500', async (t) => {
    const { document } = await servedDocument(t);
    const operations = documentOperations(document);
    assert.deepEqual(operations.map((op) => op.operationId).sort(), ADMIN_OPERATIONS.map((op) => op.id).sort());
    for (const op of operations) {
      const where = `${op.method} ${op.path}`;
      assert.match(op.operationId, /^[a-z][A-Za-z0-9]*$/, `${where}: operationId`);
      assert.ok(typeof op.summary === 'string' && op.summary.length > 0, `${where}: summary`);
      assert.ok(['viewer', 'admin', 'owner', 'public'].includes(op.role), `${where}: x-tally-role is ${op.role}`);
      assert.equal(op.role, ADMIN_OPERATIONS.find((declared) => declared.id === op.operationId)?.access, `${where}: x-tally-role is the access it is checked for`);
      const statuses = Object.keys(op.responses);
      assert.ok(statuses.some((status) => /^2\d\d$/.test(status)), `${where}: a 2xx answer`);
      if (op.role !== 'public') for (const status of ['401', '403', '429']) assert.ok(statuses.includes(status), `${where}: a ${status} answer`);
      assert.ok(statuses.includes('500'), `${where}: a 500 answer`);
    }
  });

  test('gives every request body an example', async (t) => {
    const { document } = await servedDocument(t);
    for (const op of documentOperations(document)) {
      if (op.requestBody === undefined) continue;
      const media = Object.entries(op.requestBody.content);
      assert.ok(media.length > 0, `${op.method} ${op.path}: a body of some type`);
      for (const [type, content] of media) assert.ok(content.example !== undefined, `${op.method} ${op.path}: an example of its ${type} body`);
    }
  });

  test('explains every problem code of the catalogue at its anchor, where each problem type points', async (t) => {
    const { document } = await servedDocument(t);
    for (const code of PROBLEM_CODES) assert.ok(document.info.description.includes(`<a id="problem-${code}"></a>`), `problem-${code} is explained`);
  });
});

describe('the reference page /admin/docs', () => {
  const SELF_ONLY = /^\/(?!\/)/; // a path on this host, not `//other.host/`

  test('loads only files of this listener: its page, its start script and its style name no other host', async (t) => {
    const h = await adminHarness(t);
    const page = await adminRequest(h, 'GET', '/admin/docs');
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.doesNotMatch(page.text, /https?:\/\//);
    const assets = [...page.text.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    assert.deepEqual(assets, ['/admin/docs/swagger-ui.css', '/admin/docs/swagger-ui-bundle.js', '/admin/docs/start.js']);
    for (const asset of assets) assert.match(asset, SELF_ONLY);

    const start = await adminRequest(h, 'GET', '/admin/docs/start.js');
    assert.doesNotMatch(start.text, /https?:\/\//);
    // Roughly, what the page asks for: the document from here, and no online validator.
    assert.match(start.text, /url: '\/admin\/v1\/openapi\.json'/);
    assert.match(start.text, /validatorUrl: null/);
    const style = await adminRequest(h, 'GET', '/admin/docs/swagger-ui.css');
    assert.doesNotMatch(style.text, /@import/);
    for (const [, target] of style.text.matchAll(/url\(\s*["']?([^"')]*)/g)) assert.match(target!, /^data:/, 'the style embeds its images');
  });

  test('answers each of its files with its type, and a CSP that lets the browser fetch nothing from another origin', async (t) => {
    const h = await adminHarness(t);
    const files: readonly (readonly [string, string])[] = [
      ['/admin/docs', 'text/html; charset=utf-8'],
      ['/admin/docs/', 'text/html; charset=utf-8'],
      ['/admin/docs/start.js', 'text/javascript; charset=utf-8'],
      ['/admin/docs/swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
      ['/admin/docs/swagger-ui.css', 'text/css; charset=utf-8'],
    ];
    for (const [path, type] of files) {
      const answer = await adminRequest(h, 'GET', path);
      assert.equal(answer.status, 200, path);
      assert.equal(answer.headers.get('content-type'), type, path);
      assert.equal(answer.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(answer.headers.get('cache-control'), 'no-store', path);
      const csp = answer.headers.get('content-security-policy');
      assert.ok(csp !== null, `${path}: a Content-Security-Policy`);
      const directives = new Map(csp.split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
      assert.deepEqual(directives.get('default-src'), ["'none'"], path);
      for (const name of ['script-src', 'style-src', 'img-src', 'connect-src']) {
        for (const source of directives.get(name) ?? []) assert.ok(["'self'", "'unsafe-inline'", 'data:'].includes(source), `${path}: ${name} allows ${source}`);
      }
      assert.ok(!(directives.get('script-src') ?? []).includes("'unsafe-inline'"), `${path}: no inline script`);
    }
    const missing = await adminRequest(h, 'GET', '/admin/docs/no-such-file.js');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  });

  // playwright-core is not installed yet; a later issue adds it and drives /usr/bin/chromium here.
  test.todo('renders every operation in Debian\'s chromium with no request to another origin and no console error');
});
