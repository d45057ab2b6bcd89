#!/usr/bin/env node
// Generates src/admin-client/schema.ts, the admin API's types, from the OpenAPI document the
// built server serves (dist/, so run `npm run build` first: `npm run generate:client` does).
// The test suite calls generateClientSchema() and fails when the committed file differs.
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const ROOT = new URL('../../', import.meta.url);
export const SCHEMA_FILE = fileURLToPath(new URL('src/admin-client/schema.ts', ROOT));

const HEADER = `/**
 * The admin API's paths, operations and schemas as TypeScript types, generated from its OpenAPI
 * document by openapi-typescript. Do not edit: run \`npm run generate:client\`.
 */

`;

/** The file's text for the document the built server serves now. */
export async function generateClientSchema() {
  const { openApiDocument } = await import(new URL('dist/src/admin-api/operations/index.js', ROOT).href);
  const ast = await openapiTS(openApiDocument(), { alphabetize: false, exportType: false });
  return HEADER + astToString(ast);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(SCHEMA_FILE, await generateClientSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
