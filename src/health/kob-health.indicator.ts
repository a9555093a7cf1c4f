import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { CustomerRunner, type CustomerRunStatus } from '../scheduling/customer-runner.js';

/** @publicApi */
export interface KobHealthCheckOptions {
  /** Down when any customer has failed this many runs in a row (`failed`, `blocked` or `error`). Default 3. */
  maxConsecutiveFailures?: number;
}

/** One customer's last run as the health check reports it. @publicApi */
export interface KobCustomerHealth {
  /** The last run's outcome, `running` for a first run still going, or `never`. */
  status: NonNullable<CustomerRunStatus['lastStatus']> | 'running' | 'never';
  running: boolean;
  finishedAt?: string;
  lastSuccessAt?: string;
  consecutiveFailures: number;
}

/** Default key of the indicator in a health check result. @publicApi */
export const KOB_HEALTH_KEY = 'krav-og-betalinger';

const DEFAULT_MAX_CONSECUTIVE_FAILURES = 3;

/**
 * A `@nestjs/terminus` health indicator for the module's scheduled runs: each customer's last run (status, when
 * it finished, failures in a row), down when a customer keeps failing or when the runner is shutting down (so a
 * load balancer stops sending work to a draining instance). Reads the runner's in-memory statuses only: no I/O.
 *
 * ```ts
 * @Module({ imports: [TerminusModule, KravOgBetalingerModule.forRoot(...)], providers: [KobHealthIndicator], controllers: [HealthController] })
 * // in the controller: this.health.check([() => this.kob.isHealthy()])
 * ```
 * Import it from `nestjs-krav-og-betalinger/health`: the main entry never loads `@nestjs/terminus`.
 * @publicApi
 */
@Injectable()
export class KobHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly runner: CustomerRunner,
  ) {}

  isHealthy<const Key extends string = typeof KOB_HEALTH_KEY>(
    key: Key = KOB_HEALTH_KEY as Key,
    options: KobHealthCheckOptions = {},
  ): HealthIndicatorResult<Key> {
    const threshold = options.maxConsecutiveFailures ?? DEFAULT_MAX_CONSECUTIVE_FAILURES;
    if (!Number.isSafeInteger(threshold) || threshold < 1) {
      throw new RangeError('maxConsecutiveFailures must be a whole number of at least 1');
    }
    const session = this.health.check(key);
    const statuses = this.runner.statuses();
    const customers: Record<string, KobCustomerHealth> = {};
    for (const s of statuses) customers[s.customerId] = customerHealth(s);
    const failing = statuses.filter((s) => s.consecutiveFailures >= threshold).map((s) => s.customerId);
    const data = {
      shuttingDown: this.runner.shuttingDown,
      activeRuns: this.runner.active,
      failing,
      customers,
    };
    if (this.runner.shuttingDown) return session.down({ ...data, message: 'the scheduler is shutting down' });
    if (failing.length > 0) {
      return session.down({
        ...data,
        message: `${failing.length} customer(s) failed ${threshold} or more runs in a row`,
      });
    }
    return session.up(data);
  }
}

function customerHealth(s: CustomerRunStatus): KobCustomerHealth {
  return {
    status: s.lastStatus ?? (s.running ? 'running' : 'never'),
    running: s.running,
    ...(s.lastFinishedAt !== undefined ? { finishedAt: s.lastFinishedAt } : {}),
    ...(s.lastSuccessAt !== undefined ? { lastSuccessAt: s.lastSuccessAt } : {}),
    consecutiveFailures: s.consecutiveFailures,
  };
}
