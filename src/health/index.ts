// Public API of nestjs-krav-og-betalinger/health: needs the optional peer @nestjs/terminus.
export { KobHealthIndicator, KOB_HEALTH_KEY } from './kob-health.indicator.js';
export type { KobHealthCheckOptions, KobCustomerHealth } from './kob-health.indicator.js';
