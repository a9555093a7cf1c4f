/**
 * Stable codes carried by every error this module throws. `KB-00x` come from the Krav og betalinger API,
 * `MP-xxx` from Maskinporten, the `KOB_*` codes are our own.
 * @publicApi
 */
export type KobErrorCode =
  | 'KOB_INVALID_AMOUNT'
  | 'KOB_INVALID_IDENTIFIER'
  | 'KOB_INVALID_DATE'
  | 'KOB_INVALID_PAYLOAD'
  | 'KOB_MALFORMED_JSON'
  | 'KOB_CONFIG_INVALID'
  | 'KOB_ALLOCATION_INVALID'
  | (string & {});

/**
 * Base class of every error thrown by the module. Messages and fields never hold secrets or national
 * identity numbers: callers mask them before building the error.
 * @publicApi
 */
export class KobError extends Error {
  readonly code: KobErrorCode;

  constructor(message: string, options: { code: KobErrorCode; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
  }
}

/**
 * An amount that is not an exact decimal with at most two decimals inside the safe integer range of øre.
 * @publicApi
 */
export class InvalidAmountError extends KobError {
  /** Where the amount came from (a JSON path or an argument name). */
  readonly field: string;

  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`, { code: 'KOB_INVALID_AMOUNT' });
    this.field = field;
  }
}

/**
 * An identifier (organisation number, fødselsnummer, D-nummer, KID, account number) that fails its format or
 * check-digit rule. The value itself is masked in the message.
 * @publicApi
 */
export class InvalidIdentifierError extends KobError {
  readonly field: string;
  readonly kind: string;

  constructor(field: string, kind: string, reason: string) {
    super(`${field}: invalid ${kind}: ${reason}`, { code: 'KOB_INVALID_IDENTIFIER' });
    this.field = field;
    this.kind = kind;
  }
}

/**
 * A calendar date that is not a real `YYYY-MM-DD` date (or an accepted date-time form of one).
 * @publicApi
 */
export class InvalidDateError extends KobError {
  readonly field: string;

  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`, { code: 'KOB_INVALID_DATE' });
    this.field = field;
  }
}

/** One problem found in a payload or in options, with its path (`$.krav[0].kravforfall[1].forfallsdato`). */
export interface ValidationIssue {
  path: string;
  message: string;
}

/**
 * A response body (or request input) that does not match the schema: a missing required field, a wrong type,
 * a bad amount or date. Lists every issue found, each with its JSON path.
 * @publicApi
 */
export class PayloadValidationError extends KobError {
  readonly issues: readonly ValidationIssue[];
  /** The schema that was being read, e.g. `AapneKrav`. */
  readonly schema: string;

  constructor(schema: string, issues: readonly ValidationIssue[]) {
    const shown = issues
      .slice(0, 10)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ');
    const more = issues.length > 10 ? `; and ${issues.length - 10} more` : '';
    super(`Invalid ${schema} payload: ${shown}${more}`, { code: 'KOB_INVALID_PAYLOAD' });
    this.schema = schema;
    this.issues = issues;
  }
}

/**
 * A body that is not JSON at all.
 * @publicApi
 */
export class MalformedJsonError extends KobError {
  constructor(reason: string, cause?: unknown) {
    super(`Malformed JSON: ${reason}`, { code: 'KOB_MALFORMED_JSON', cause });
  }
}

/**
 * Module options or customer configuration that fail validation. Lists every bad field by path.
 * @publicApi
 */
export class ConfigurationError extends KobError {
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[], subject = 'KravOgBetalingerModule options') {
    super(`Invalid ${subject}:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`, {
      code: 'KOB_CONFIG_INVALID',
    });
    this.issues = issues;
  }
}
