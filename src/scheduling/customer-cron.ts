import type { LoggerService } from '@nestjs/common';
import { isCronExpression } from '../config/option-validators.js';
import type { CustomerConfig } from '../config/module-options.interface.js';

/**
 * The cron a customer is scheduled on (its own or the default), or undefined when it is disabled or unusable:
 * customers from a `CustomerSource` are not validated at start-up, so a bad one is skipped with a warning rather
 * than stopping everyone else's schedule.
 * @internal
 */
export function customerCron(
  customer: CustomerConfig,
  defaultCron: string,
  logger?: LoggerService,
): string | undefined {
  if (customer.enabled === false) return undefined;
  if (typeof customer.id !== 'string' || customer.id === '') {
    logger?.warn?.('Not scheduling a customer without an id');
    return undefined;
  }
  const cron = customer.cron ?? defaultCron;
  if (!isCronExpression(cron)) {
    logger?.warn?.(`Not scheduling ${customer.id}: its cron expression is not valid`);
    return undefined;
  }
  return cron;
}
