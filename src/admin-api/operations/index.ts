/** Every operation of the admin API, in the order the document lists them. */
import Type from 'typebox';
import { buildOpenApiDocument } from '../openapi.js';
import { operation, type Operation } from '../operation.js';
import { auditOperations } from './audit.js';
import { currencyOperations } from './currencies.js';
import { importOperations } from './imports.js';
import { ledgerOperations } from './ledger.js';
import { operatorOperations } from './operators.js';
import { sessionOperations } from './session.js';
import { settingsOperations } from './settings.js';
import { statsOperations } from './stats.js';
import { throttleOperations } from './throttle.js';
import { toolOperations } from './tools.js';
import { userOperations } from './users.js';
import { webhookOperations } from './webhooks.js';

const reference = operation({
  id: 'getOpenApiDocument',
  method: 'GET',
  path: '/admin/v1/openapi.json',
  access: 'public',
  tag: 'Reference',
  summary: 'This document',
  description: 'The OpenAPI 3.1 document of every operation; `/admin/docs` renders it for a browser.',
  answers: { 200: { description: 'The document.', schema: Type.Object({ openapi: Type.Literal('3.1.0') }, { additionalProperties: true }) } },
  problems: [],
  async handle() {
    return { status: 200, json: openApiDocument(), outcome: 'openapi' };
  },
});

export const ADMIN_OPERATIONS: readonly Operation[] = [
  ...sessionOperations,
  ...userOperations,
  ...ledgerOperations,
  ...currencyOperations,
  ...settingsOperations,
  ...throttleOperations,
  ...importOperations,
  ...toolOperations,
  ...webhookOperations,
  ...statsOperations,
  ...auditOperations,
  ...operatorOperations,
  reference,
];

let document: Record<string, unknown> | undefined;

/** Built once, from the operations themselves. */
export function openApiDocument(): Record<string, unknown> {
  return (document ??= buildOpenApiDocument(ADMIN_OPERATIONS));
}
