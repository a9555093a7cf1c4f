import { KobError, type ValidationIssue } from '../errors/kob.error.js';

/** The four endpoints. @publicApi */
export type KobEndpoint = 'aapnekrav' | 'krav' | 'innbetalinger' | 'utbetalinger';

/**
 * A call to the Krav og betalinger API failed. `code` is the API's `KB-00x` code when it sent one, else one of
 * `KOB_HTTP_<status>`, `KOB_NETWORK_ERROR`, `KOB_INVALID_RESPONSE`. The party is masked; no token is kept.
 * @publicApi
 */
export class KravOgBetalingerApiError extends KobError {
  readonly endpoint: KobEndpoint;
  /** HTTP status; undefined for network errors. */
  readonly status?: number;
  /** The `Korrelasjonsid` of the failing attempt (sent by us, echoed by the API). */
  readonly correlationId: string;
  /** `melding` from the API's error body. */
  readonly apiMessage?: string;
  /** Masked party identifier (`******43210`). */
  readonly party: string;
  /** Attempts made, including retries. */
  readonly attempts: number;
  /** Schema issues when the body failed validation. */
  readonly issues?: readonly ValidationIssue[];

  constructor(
    message: string,
    details: {
      code: string;
      endpoint: KobEndpoint;
      party: string;
      correlationId: string;
      attempts: number;
      status?: number;
      apiMessage?: string;
      issues?: readonly ValidationIssue[];
      cause?: unknown;
    },
  ) {
    super(message, { code: details.code, cause: details.cause });
    this.endpoint = details.endpoint;
    this.status = details.status;
    this.correlationId = details.correlationId;
    this.apiMessage = details.apiMessage;
    this.party = details.party;
    this.attempts = details.attempts;
    this.issues = details.issues;
  }

  /** True for failures a later run may not see again (5xx, 429, network). */
  get transient(): boolean {
    return (
      this.code === 'KOB_NETWORK_ERROR' ||
      this.status === 429 ||
      (this.status !== undefined && this.status >= 500)
    );
  }
}
