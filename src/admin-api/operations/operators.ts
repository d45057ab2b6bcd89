/**
 * Operators (spec admin-api.md section 4), for owners: list them, add one, change its role,
 * remove one (the last owner is never removed nor demoted), and make or revoke its API tokens.
 * A password goes in once, to be hashed by src/admin/operators.ts, and never comes back out: not
 * in an answer, a log line or the audit log. A token comes out once, in the answer that made it.
 */
import Type from 'typebox';
import { addOperator, changeOperatorRole, createToken, listOperators, removeOperator, revokeToken } from '../../admin/operators.js';
import { MAX_OPERATOR_NAME_LENGTH, MAX_PASSWORD_LENGTH, MAX_TOKEN_LABEL_LENGTH, MIN_PASSWORD_LENGTH } from '../../domain/operators.js';
import { operation } from '../operation.js';
import { OperatorRoleSchema, Page } from '../schemas.js';
import { operatorView, OperatorSchema } from '../views.js';

const OPERATOR_NAME = Type.String({ description: "The operator's username (any case).", examples: ['ops'] });
const OperatorNameParams = Type.Object({ name: OPERATOR_NAME }, { additionalProperties: false });
const TOKEN_LABEL_RULE = `1 to ${MAX_TOKEN_LABEL_LENGTH} printable ASCII characters, no space at either end; unique per operator.`;

const NewTokenSchema = Type.Object(
  {
    label: Type.String({ description: 'The label it is listed and revoked by.', examples: ['deploy'] }),
    token: Type.String({ description: 'The token itself, for `Authorization: Bearer`: shown in this answer only, kept as a digest (the example is no real token).', examples: [`tally_${'X'.repeat(43)}`] }),
  },
  { additionalProperties: false },
);

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
    description: `As \`tally operator add NAME --role ROLE\`. The password (${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters) is kept only as a memory-hard hash and never answered. Make its API token with POST /admin/v1/operators/{name}/tokens or \`tally operator token NAME\`.`,
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
    id: 'updateOperator',
    method: 'PATCH',
    path: '/admin/v1/operators/{name}',
    access: 'owner',
    tag: 'Security',
    summary: "Change an operator's role",
    description:
      "As `tally operator role NAME ROLE`. The operator's open sessions and its tokens carry the new role from their next request. The last owner cannot be demoted (409): make another operator an owner first. The role it has already changes nothing.",
    params: OperatorNameParams,
    body: Type.Object({ role: OperatorRoleSchema }, { additionalProperties: false }),
    example: { role: 'viewer' },
    answers: { 200: { description: 'The operator with its new role.', schema: OperatorSchema } },
    problems: ['not_found', 'conflict', 'invalid', 'malformed', 'unsupported_media_type', 'payload_too_large'],
    async handle({ params, body, actor, deps }) {
      const changed = await changeOperatorRole(deps.store, params.name, body.role, actor);
      return { status: 200, json: operatorView(changed), outcome: 'operator_role_changed' };
    },
  }),
  operation({
    id: 'createOperatorToken',
    method: 'POST',
    path: '/admin/v1/operators/{name}/tokens',
    access: 'owner',
    tag: 'Security',
    summary: 'Make an API token',
    description:
      'As `tally operator token NAME [--label TEXT]`: a new API token for the operator, in this answer only (only its digest is kept). Without a label (send `{}`) it is called `token-N`, the first N the operator has not used. A label it holds already is a 409.',
    params: OperatorNameParams,
    body: Type.Object({ label: Type.Optional(Type.String({ description: TOKEN_LABEL_RULE, examples: ['deploy'] })) }, { additionalProperties: false }),
    example: { label: 'deploy' },
    answers: { 201: { description: 'The new token, shown this once.', schema: NewTokenSchema } },
    problems: ['not_found', 'conflict', 'invalid', 'malformed', 'unsupported_media_type', 'payload_too_large'],
    async handle({ params, body, actor, deps }) {
      const made = await createToken(deps.store, params.name, body.label, actor);
      return { status: 201, json: { label: made.label, token: made.token }, outcome: 'operator_token_added' };
    },
  }),
  operation({
    id: 'deleteOperatorToken',
    method: 'DELETE',
    path: '/admin/v1/operators/{name}/tokens/{label}',
    access: 'owner',
    tag: 'Security',
    summary: 'Revoke an API token',
    description: 'As `tally operator token-revoke NAME LABEL`: the token is refused from this answer on. An unknown operator or label is a 404.',
    params: Type.Object({ name: OPERATOR_NAME, label: Type.String({ description: "The token's label, as the operator's `tokens` list it.", examples: ['deploy'] }) }, { additionalProperties: false }),
    answers: { 204: { description: 'Revoked.' } },
    problems: ['not_found'],
    async handle({ params, actor, deps }) {
      await revokeToken(deps.store, params.name, params.label, actor);
      return { status: 204, outcome: 'operator_token_revoked' };
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
