import type { ValidationIssue } from '../errors/kob.error.js';
import { accountMappingIssues } from './account-mapping.js';
import {
  ACCESS_BY_RIGHTS_PACKAGE,
  ACCESS_SCHEMAS,
  CustomerSchema,
  RIGHTS_PACKAGES,
} from './module-options.schema.js';
import { isPlainObject, toPlainView } from './options-view.util.js';
import { checkSchema, joinPath, requireObject } from './validation.util.js';

/**
 * Checks one customer configuration and returns every problem, each with its path below `basePath`
 * (`organisasjonsnummer`, or `customers[2].organisasjonsnummer` with `basePath` `customers[2]`). Pure; messages
 * never contain the values (person numbers, consent codes). Used at start-up for `customers` arrays and at run
 * time for customers read from a `CustomerSource`.
 * @publicApi
 */
export function validateCustomerConfig(config: unknown, basePath = ''): ValidationIssue[] {
  return customerIssues(toPlainView(config), basePath);
}

/**
 * Checks a list of customers: each one, plus unique ids (ids key the state store and idempotency keys).
 * @publicApi
 */
export function validateCustomerList(customers: unknown, basePath = 'customers'): ValidationIssue[] {
  const view = toPlainView(customers);
  if (!Array.isArray(view)) return [{ path: basePath, message: 'must be an array of customers' }];
  const issues = view.flatMap((customer, i) => customerIssues(customer, joinPath(basePath, i)));
  const firstIndexById = new Map<string, number>();
  view.forEach((customer, i) => {
    const id = isPlainObject(customer) ? customer.id : undefined;
    if (typeof id !== 'string') return;
    const first = firstIndexById.get(id);
    if (first === undefined) firstIndexById.set(id, i);
    else
      issues.push({
        path: joinPath(joinPath(basePath, i), 'id'),
        message: `duplicates ${basePath}[${first}].id`,
      });
  });
  return issues;
}

function customerIssues(view: unknown, path: string): ValidationIssue[] {
  const shape = requireObject(view, path === '' ? 'customer' : path);
  if (shape.length > 0) return shape;
  const customer = view as Record<string, unknown>;
  const issues = checkSchema(CustomerSchema, customer, path);
  issues.push(...accessIssues(customer.access, customer.rettighetspakke, joinPath(path, 'access')));
  if (customer.accounts !== undefined)
    issues.push(...accountMappingIssues(customer.accounts, joinPath(path, 'accounts')));
  return issues;
}

function accessIssues(access: unknown, rightsPackage: unknown, path: string): ValidationIssue[] {
  const shape = requireObject(access, path);
  if (shape.length > 0) return shape;
  const type = (access as Record<string, unknown>).type;
  const schema = typeof type === 'string' ? ACCESS_SCHEMAS[type] : undefined;
  if (!schema) {
    return [
      { path: joinPath(path, 'type'), message: `must be one of ${Object.keys(ACCESS_SCHEMAS).join(', ')}` },
    ];
  }
  const issues = checkSchema(schema, access, path);
  if ((RIGHTS_PACKAGES as readonly unknown[]).includes(rightsPackage)) {
    const allowed = ACCESS_BY_RIGHTS_PACKAGE[rightsPackage as keyof typeof ACCESS_BY_RIGHTS_PACKAGE];
    if (!allowed.includes(type as string)) {
      issues.push({
        path: joinPath(path, 'type'),
        message: `must be ${allowed.join(' or ')} for rettighetspakke ${String(rightsPackage)}`,
      });
    }
  }
  return issues;
}
