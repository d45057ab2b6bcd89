/**
 * Operators (spec admin-api.md section 4), for owners: list them, add one, remove one (never the
 * last owner). A password goes in once, to be hashed by src/admin/operators.ts, and never comes
 * back out: not in an answer, a log line or the audit log.
 */
import Type from 'typebox';
import { addOperator, listOperators, removeOperator } from '../../admin/operators.js';
import { MAX_OPERATOR_NAME_LENGTH, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../domain/operators.js';
import { operation } from '../operation.js';
import { OperatorRoleSchema, Page } from '../schemas.js';
import { operatorView, OperatorSchema } from '../views.js';

const OperatorNameParams = Type.Object({ name: Type.String({ description: "The operator's username (any case).", examples: ['ops'] }) }, { additionalProperties: false });

export const operatorOperations = [
  operation({
    id: 'listOperators',
    method: 'GET',
    path: '/admin/v1/operators',
    access: 'owner',
    tag: 'Security',
    summary: 'Every operator',
    description: 'Every operator, by name, with its role and its tokens\' labels; never a password hash nor a token. One page: `next_cursor` is always null.',
    answers: { 200: { description: 'The operators.', schema: Page(OperatorSchema, 'operators') } },
    problems: [],
    async handle({ deps }) {
      return { status: 200, json: { data: (await listOperators(deps.store)).map(operatorView), next_cursor: null } };
    },
  }),
  operation({
    id: 'createOperator',
    method: 'POST',
    path: '/admin/v1/operators',
    access: 'owner',
    tag: 'Security',
    summary: 'Add an operator',
    description: `As \`tally operator add NAME --role ROLE\`. The password (${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters) is kept only as a memory-hard hash and never answered. Make its API token with \`tally operator token NAME\`.`,
    body: Type.Object(
      {
        username: Type.String({ description: `1 to ${MAX_OPERATOR_NAME_LENGTH} letters, digits and . _ @ -, starting with a letter or digit; unique in any case.`, examples: ['ops'] }),
        role: OperatorRoleSchema,
        password: Type.String({ description: `${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters.`, examples: ['correct horse battery staple'] }),
      },
      { additionalProperties: false },
    ),
    example: { username: 'ops', role: 'admin', password: 'correct horse battery staple' },
    answers: { 201: { description: 'The new operator.', schema: OperatorSchema } },
    problems: ['invalid', 'conflict', 'malformed', 'unsupported_media_type', 'payload_too_large'],
    async handle({ body, actor, deps }) {
      const added = await addOperator(deps.store, body, actor);
      return { status: 201, json: operatorView(added), outcome: 'operator_added' };
    },
  }),
  operation({
    id: 'deleteOperator',
    method: 'DELETE',
    path: '/admin/v1/operators/{name}',
    access: 'owner',
    tag: 'Security',
    summary: 'Remove an operator',
    description: 'As `tally operator remove NAME`: the operator and its tokens; its sessions end. The last owner cannot be removed (409): make another operator an owner first.',
    params: OperatorNameParams,
    answers: { 204: { description: 'Removed.' } },
    problems: ['not_found', 'conflict'],
    async handle({ params, actor, deps }) {
      await removeOperator(deps.store, params.name, actor);
      return { status: 204, outcome: 'operator_removed' };
    },
  }),
];
