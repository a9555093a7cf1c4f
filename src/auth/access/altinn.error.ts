import { KobError } from '../../errors/kob.error.js';

/** Which Altinn call failed. @publicApi */
export type AltinnOperation =
  | 'systemuser.request.create'
  | 'systemuser.request.get'
  | 'systemuser.request.byexternalref'
  | 'systemuser.byquery'
  | 'consent.request.create'
  | 'consent.request.get'
  | 'consent.events'
  | 'altinn2.consent.token';

/**
 * An Altinn platform call failed. `code` is Altinn's own code from the ProblemDetails body when it sent one
 * (`AUTH-00004`, `AM-00016`, ...), else `KOB_ALTINN_HTTP_<status>`, `KOB_ALTINN_NETWORK_ERROR` or
 * `KOB_ALTINN_INVALID_RESPONSE`. Never holds a token, an API key, an authorisation code or a person number.
 * @publicApi
 */
export class AltinnError extends KobError {
  readonly operation: AltinnOperation;
  /** HTTP status, when Altinn answered. */
  readonly status?: number;
  /** Altinn's code (`AUTH-00004`), when the body carried one. */
  readonly altinnCode?: string;
  /** ProblemDetails `title`. */
  readonly title?: string;
  /** ProblemDetails `traceId`/`correlationId`, for Altinn support. */
  readonly traceId?: string;
  /** Names of the fields a validation problem complained about (`errors` keys), without values. */
  readonly fields?: readonly string[];
  /** True for network errors, 429 and 5xx: worth another try later. */
  readonly transient: boolean;

  constructor(
    message: string,
    details: {
      operation: AltinnOperation;
      status?: number;
      altinnCode?: string;
      title?: string;
      traceId?: string;
      fields?: readonly string[];
      transient?: boolean;
      code?: string;
      cause?: unknown;
    },
  ) {
    super(message, {
      code: details.code ?? details.altinnCode ?? `KOB_ALTINN_HTTP_${details.status ?? 0}`,
      cause: details.cause,
    });
    this.operation = details.operation;
    this.status = details.status;
    this.altinnCode = details.altinnCode;
    this.title = details.title;
    this.traceId = details.traceId;
    this.fields = details.fields;
    this.transient = details.transient ?? false;
  }
}
