/**
 * Validating requests against the operations' schemas with Ajv (JSON Schema 2020-12, the
 * dialect of OpenAPI 3.1), each validator compiled once when the surface is built. Ajv's errors
 * become `{field, message}` pairs that name the field as the request gave it.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { TSchema } from 'typebox';
import type { FieldError } from './problems.js';

// strict: a schema with an unknown keyword is a bug found at start, not a check silently skipped.
const ajv = new Ajv2020({ allErrors: true, strict: true, strictTuples: false, allowUnionTypes: true });

export type Validator = (value: unknown) => readonly FieldError[];

/** A validator for one schema; `where` prefixes nothing for bodies and names no `/` for flat query objects. */
export function validator(schema: TSchema): Validator {
  const validate: ValidateFunction = ajv.compile(schema);
  return (value) => (validate(value) ? [] : fieldErrors(validate.errors ?? []));
}

function fieldErrors(errors: readonly ErrorObject[]): FieldError[] {
  const seen = new Set<string>();
  const result: FieldError[] = [];
  for (const error of errors) {
    const found = describe(error);
    // A union's branches each report: one message per field is enough.
    if (found === undefined || seen.has(found.field)) continue;
    seen.add(found.field);
    result.push(found);
  }
  return result;
}

function describe(error: ErrorObject): FieldError | undefined {
  const at = pointerToField(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { field: join(at, String(params['missingProperty'])), message: 'is required' };
    case 'additionalProperties':
      return { field: join(at, String(params['additionalProperty'])), message: 'is not a known field' };
    case 'type': {
      const type = String(params['type']);
      const hint = type === 'string' ? 'must be a string (money and rates are strings holding an exact decimal)' : `must be ${article(type)} ${type}`;
      return { field: at || '(body)', message: at === '' && type === 'object' ? 'the body must be a JSON object' : hint };
    }
    case 'const':
    case 'enum':
      return { field: at || '(body)', message: `must be ${allowed(params)}` };
    case 'anyOf':
    case 'oneOf':
      return { field: at || '(body)', message: 'is not one of the allowed values' };
    case 'maxLength':
      return { field: at, message: `must have at most ${String(params['limit'])} characters` };
    case 'minLength':
      return { field: at, message: Number(params['limit']) === 1 ? 'must not be empty' : `must have at least ${String(params['limit'])} characters` };
    case 'pattern':
      return { field: at, message: 'is not in the expected form' };
    default:
      return { field: at || '(body)', message: error.message ?? 'is invalid' };
  }
}

function allowed(params: Record<string, unknown>): string {
  if ('allowedValue' in params) return JSON.stringify(params['allowedValue']);
  const values = params['allowedValues'];
  return Array.isArray(values) ? `one of ${values.map((v) => JSON.stringify(v)).join(', ')}` : 'an allowed value';
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? 'an' : 'a';
}

/** `/items/0/amount` as `items[0].amount`. */
function pointerToField(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((field, part) => (/^\d+$/.test(part) ? `${field}[${part}]` : field === '' ? part : `${field}.${part}`), '');
}

function join(parent: string, name: string): string {
  return parent === '' ? name : `${parent}.${name}`;
}
