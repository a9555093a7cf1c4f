import { KobError } from '../../../errors/kob.error.js';

/**
 * Misuse of the sandbox's test hooks: an unknown id, a state change the real service does not allow (accepting
 * a revoked consent), a bad registration. Never carries key material or person numbers.
 * @publicApi
 */
export class SandboxAuthorityError extends KobError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'KOB_SANDBOX_AUTHORITY', cause });
  }
}
