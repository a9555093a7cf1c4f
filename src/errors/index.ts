export {
  KobError,
  InvalidAmountError,
  InvalidIdentifierError,
  InvalidDateError,
  PayloadValidationError,
  MalformedJsonError,
  ConfigurationError,
} from './kob.error.js';
export type { KobErrorCode, ValidationIssue } from './kob.error.js';
