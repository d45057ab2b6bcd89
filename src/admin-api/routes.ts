/**
 * The admin API's routing table, built once: each path template (`/admin/v1/users/{id}`) becomes
 * a pattern of whole segments, with its operations by method and their validators compiled.
 */
import type { Operation } from './operation.js';
import type { FieldError } from './problems.js';
import { validator, type Validator } from './validation.js';

export interface Route {
  readonly operation: Operation;
  readonly validateParams: Validator;
  readonly validateQuery: Validator;
  readonly validateBody: Validator;
}

export interface Matched {
  readonly template: string;
  readonly routes: ReadonlyMap<string, Route>;
  readonly params: Record<string, string>;
  /** A path segment whose percent-encoding does not decode (answered 400). */
  readonly unreadable?: true;
}

const NOTHING: Validator = () => [];
const NO_QUERY: Validator = (value) => Object.keys(value as object).map((field): FieldError => ({ field, message: 'is not a known parameter' }));

export function compileRoutes(operations: readonly Operation[]): { match(path: string): Matched | undefined } {
  const templates = new Map<string, { names: string[]; pattern: RegExp; routes: Map<string, Route> }>();
  for (const operation of operations) {
    let entry = templates.get(operation.path);
    if (entry === undefined) {
      const names: string[] = [];
      const source = operation.path
        .split('/')
        .map((segment) => {
          const name = /^\{(\w+)\}$/.exec(segment)?.[1];
          if (name === undefined) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(name);
          return '([^/]+)';
        })
        .join('/');
      entry = { names, pattern: new RegExp(`^${source}$`), routes: new Map() };
      templates.set(operation.path, entry);
    }
    if (entry.routes.has(operation.method)) throw new Error(`two operations for ${operation.method} ${operation.path}`);
    entry.routes.set(operation.method, {
      operation,
      validateParams: operation.params === undefined ? NOTHING : validator(operation.params),
      validateQuery: operation.query === undefined ? NO_QUERY : validator(operation.query),
      validateBody: operation.body === undefined ? NOTHING : validator(operation.body),
    });
  }
  const entries = [...templates.entries()];
  return {
    match(path) {
      for (const [template, { names, pattern, routes }] of entries) {
        const found = pattern.exec(path);
        if (found === null) continue;
        const params: Record<string, string> = {};
        let readable = true;
        names.forEach((name, index) => {
          try {
            params[name] = decodeURIComponent(found[index + 1]!);
          } catch {
            readable = false;
          }
        });
        return readable ? { template, routes, params } : { template, routes, params, unreadable: true };
      }
      return undefined;
    },
  };
}
