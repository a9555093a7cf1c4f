import type { ValidationIssue } from '../errors/kob.error.js';
import { isIsoDate } from '../domain/dates.js';
import type { IsoDate } from '../domain/common.model.js';
import type {
  BalanceAssertion,
  CustomerRef,
  JournalEntry,
  JournalLine,
} from './journal-adapter.interface.js';
import { InvalidJournalEntryError } from './journal.error.js';

// Every adapter runs these checks on the whole batch before touching storage, so a bad entry never leaves a
// batch half-written. Sums beyond the safe range use BigInt: an unbalanced entry must be reported as such, not
// as an overflow.

const MAX_KEY_LENGTH = 1024;
const MAX_ACCOUNT_LENGTH = 200;

// Control characters would break line-oriented files (JSON lines, hledger journals) or hide text.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
// A control character or a lone surrogate: one scan of each key (hundreds of thousands per batch) finds both.
// eslint-disable-next-line no-control-regex
const CONTROL_OR_LONE_SURROGATE = /[\u0000-\u001f\u007f]|\p{Cs}/u;

// No lone surrogate (what /\p{Cs}/u finds). `isWellFormed` is in Node 20 but not in the ES2023 lib we compile with.
function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/**
 * Why `key` is not usable as an idempotency key, or `undefined` when it is: a non-empty string of at most 1024
 * characters without control characters (it is written on one line of a file and compared byte for byte).
 * @internal
 */
export function idempotencyKeyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'must be a non-empty string';
  if (key.length > MAX_KEY_LENGTH) return `must be at most ${MAX_KEY_LENGTH} characters`;
  if (!CONTROL_OR_LONE_SURROGATE.test(key)) return undefined;
  return CONTROL.test(key)
    ? 'must not contain control characters (line breaks, tabs)'
    : 'must be well-formed Unicode';
}

/**
 * Why `account` is not usable as a ledger account, or `undefined` when it is. Besides being non-empty, the name
 * must survive plain-text ledgers: no control characters or tabs, no `;` (starts a comment), no two spaces in a
 * row (ends the account name in hledger), no leading `(` or `[` (virtual postings), no edge whitespace.
 * @internal
 */
export function accountProblem(account: unknown): string | undefined {
  if (typeof account !== 'string' || account.length === 0) return 'must be a non-empty string';
  const length = account.length;
  if (length > MAX_ACCOUNT_LENGTH) return `must be at most ${MAX_ACCOUNT_LENGTH} characters`;
  // One pass over the (short) name notes every problem; they are reported in a fixed order, control characters
  // first.
  let semicolon = false;
  let twoSpaces = false;
  let surrogate = false;
  let previous = 0;
  for (let i = 0; i < length; i++) {
    const c = account.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return 'must not contain control characters';
    if (c === 0x3b) semicolon = true;
    else if (c === 0x20 && previous === 0x20) twoSpaces = true;
    else if (c >= 0xd800 && c <= 0xdfff) surrogate = true;
    previous = c;
  }
  if (surrogate && !isWellFormed(account)) return 'must be well-formed Unicode';
  if (semicolon) return 'must not contain ";"';
  if (twoSpaces) return 'must not contain two spaces in a row';
  const first = account.charCodeAt(0);
  const last = account.charCodeAt(length - 1);
  // What `trim` removes is either a space (control characters were reported above) or at or above U+00A0.
  if ((first === 0x20 || first >= 0xa0 || last === 0x20 || last >= 0xa0) && account.trim() !== account)
    return 'must not start or end with whitespace';
  if (first === 0x28 || first === 0x5b) return 'must not start with "(" or "["';
  return undefined;
}

function isPositiveOre(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** Øre as kroner text for messages, also beyond the safe range (sums are BigInt). */
function kroner(ore: bigint): string {
  const negative = ore < 0n;
  const digits = (negative ? -ore : ore).toString().padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

function lineIssues(line: unknown, path: string): ValidationIssue[] {
  if (typeof line !== 'object' || line === null) return [{ path, message: 'must be an object' }];
  const { account, debit, credit, description, kid, reference } = line as Partial<
    Record<keyof JournalLine, unknown>
  >;
  const issues: ValidationIssue[] = [];
  const accountIssue = accountProblem(account);
  if (accountIssue) issues.push({ path: `${path}.account`, message: accountIssue });
  if (debit === undefined && credit === undefined) {
    issues.push({ path, message: 'needs a debit or a credit amount' });
  } else if (debit !== undefined && credit !== undefined) {
    issues.push({ path, message: 'must have exactly one of debit and credit, not both' });
  } else {
    const [field, value] = debit !== undefined ? ['debit', debit] : ['credit', credit];
    if (!isPositiveOre(value)) {
      issues.push({
        path: `${path}.${field}`,
        message: `must be a positive safe integer number of øre (got ${describeAmount(value)})`,
      });
    }
  }
  for (const [field, value] of [
    ['description', description],
    ['kid', kid],
    ['reference', reference],
  ] as const) {
    if (value !== undefined && typeof value !== 'string') {
      issues.push({ path: `${path}.${field}`, message: 'must be a string when present' });
    }
  }
  return issues;
}

function describeAmount(value: unknown): string {
  return typeof value === 'number' ? String(value) : `a ${value === null ? 'null' : typeof value}`;
}

function entryIssues(entry: unknown, path: string): ValidationIssue[] {
  if (typeof entry !== 'object' || entry === null) return [{ path, message: 'must be an object' }];
  const e = entry as Partial<Record<keyof JournalEntry, unknown>>;
  const issues: ValidationIssue[] = [];
  const keyIssue = idempotencyKeyProblem(e.idempotencyKey);
  if (keyIssue) issues.push({ path: `${path}.idempotencyKey`, message: keyIssue });
  if (e.reverses !== undefined) {
    const reversesIssue = idempotencyKeyProblem(e.reverses);
    if (reversesIssue) issues.push({ path: `${path}.reverses`, message: reversesIssue });
  }
  if (typeof e.date !== 'string' || !isIsoDate(e.date)) {
    issues.push({ path: `${path}.date`, message: 'must be a calendar date YYYY-MM-DD' });
  }
  if (typeof e.description !== 'string')
    issues.push({ path: `${path}.description`, message: 'must be a string' });
  const source = e.source as { kind?: unknown; ids?: unknown } | undefined;
  if (
    typeof source !== 'object' ||
    source === null ||
    typeof source.kind !== 'string' ||
    !Array.isArray(source.ids) ||
    !source.ids.every((id) => typeof id === 'string')
  ) {
    issues.push({ path: `${path}.source`, message: 'must be { kind: string, ids: string[] }' });
  }
  if (!Array.isArray(e.lines)) {
    issues.push({ path: `${path}.lines`, message: 'must be an array' });
    return issues;
  }
  if (e.lines.length < 2) {
    issues.push({ path: `${path}.lines`, message: `must have at least 2 lines (has ${e.lines.length})` });
  }
  const lineProblems = e.lines.flatMap((line, i) => lineIssues(line, `${path}.lines[${i}]`));
  issues.push(...lineProblems);
  if (lineProblems.length === 0) {
    let debits = 0n;
    let credits = 0n;
    for (const line of e.lines as JournalLine[]) {
      if (line.debit !== undefined) debits += BigInt(line.debit);
      else credits += BigInt(line.credit as number);
    }
    if (debits !== credits) {
      issues.push({
        path,
        message: `does not balance: debits ${kroner(debits)} ≠ credits ${kroner(credits)} (difference ${kroner(
          debits - credits,
        )})`,
      });
    }
  }
  return issues;
}

const KNOWN_ACCOUNTS = 8;

/**
 * Checks entries one at a time by the rules of {@link journalBatchIssues}, quickly for the usual valid entry.
 * One per batch: it remembers the few accounts and the last date it found usable, which a batch repeats on most
 * entries.
 */
class JournalEntryChecker {
  private readonly knownAccounts: string[] = [];
  private knownDate: string | undefined = undefined;

  /**
   * True when {@link entryIssues} finds nothing: the same rules, checked without building paths, messages or
   * intermediate arrays, and summing in doubles while that is exact. `false` means "look closer", not
   * "invalid": ask {@link journalBatchIssues}, which has the last word, also in the rare cases this leaves to
   * it (sums beyond the safe range, holes in arrays).
   */
  check(entry: unknown): boolean {
    if (typeof entry !== 'object' || entry === null) return false;
    const e = entry as Partial<Record<keyof JournalEntry, unknown>>;
    if (idempotencyKeyProblem(e.idempotencyKey) !== undefined) return false;
    if (e.reverses !== undefined && idempotencyKeyProblem(e.reverses) !== undefined) return false;
    if (typeof e.date !== 'string') return false;
    if (e.date !== this.knownDate) {
      if (!isIsoDate(e.date)) return false;
      this.knownDate = e.date;
    }
    if (typeof e.description !== 'string') return false;
    const source = e.source as { kind?: unknown; ids?: unknown } | undefined;
    if (typeof source !== 'object' || source === null || typeof source.kind !== 'string') return false;
    const ids = source.ids;
    if (!Array.isArray(ids)) return false;
    for (let i = 0; i < ids.length; i++) if (typeof ids[i] !== 'string') return false;
    const lines = e.lines;
    if (!Array.isArray(lines) || lines.length < 2) return false;
    let debits = 0;
    let credits = 0;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as Partial<Record<keyof JournalLine, unknown>> | null | undefined;
      if (typeof line !== 'object' || line === null) return false;
      if (!this.isUsableAccount(line.account)) return false;
      const { debit, credit, description, kid, reference } = line;
      if (debit !== undefined) {
        if (credit !== undefined || !isPositiveOre(debit)) return false;
        debits += debit;
      } else {
        if (!isPositiveOre(credit)) return false;
        credits += credit;
      }
      if (description !== undefined && typeof description !== 'string') return false;
      if (kid !== undefined && typeof kid !== 'string') return false;
      if (reference !== undefined && typeof reference !== 'string') return false;
    }
    // Positive addends: a total at most MAX_SAFE_INTEGER was summed exactly (a rounded partial sum would have
    // pushed it past). Larger totals are compared as BigInt by entryIssues.
    return debits === credits && debits <= Number.MAX_SAFE_INTEGER;
  }

  private isUsableAccount(account: unknown): boolean {
    const known = this.knownAccounts;
    for (let i = 0; i < known.length; i++) if (known[i] === account) return true;
    if (accountProblem(account) !== undefined) return false;
    if (known.length < KNOWN_ACCOUNTS) known.push(account as string);
    return true;
  }
}

/**
 * The problems of a batch of journal entries, each path naming the entry (`entries[2].lines[0].debit`) and, in
 * the message, its idempotency key. Empty when every entry balances (Σdebit = Σcredit, exactly), has at least two
 * lines, each line exactly one positive safe-integer amount and a usable account, and a valid date and key.
 * @publicApi
 */
export function journalBatchIssues(entries: readonly JournalEntry[]): ValidationIssue[] {
  if (!Array.isArray(entries)) return [{ path: 'entries', message: 'must be an array' }];
  const issues: ValidationIssue[] = [];
  const checker = new JournalEntryChecker();
  for (let i = 0; i < entries.length; i++) {
    const entry: unknown = entries[i];
    if (checker.check(entry)) continue;
    if (entry === undefined && !(i in entries)) continue; // a hole: skipped, as Array methods skip it
    const found = entryIssues(entry, `entries[${i}]`);
    const key = (entry as { idempotencyKey?: unknown } | null)?.idempotencyKey;
    const prefix = typeof key === 'string' && idempotencyKeyProblem(key) === undefined ? `${key}: ` : '';
    for (const issue of found) issues.push(prefix ? { ...issue, message: prefix + issue.message } : issue);
  }
  return issues;
}

/**
 * Throws an {@link InvalidJournalEntryError} listing every problem of the batch (see {@link journalBatchIssues}),
 * so an adapter can reject the whole batch before writing anything.
 * @publicApi
 */
export function assertValidJournalBatch(entries: readonly JournalEntry[]): void {
  const issues = journalBatchIssues(entries);
  if (issues.length > 0) throw new InvalidJournalEntryError(issues);
}

/**
 * Checks the arguments of `assertBalances`: a calendar date, usable accounts each named once, and safe-integer
 * amounts (any sign: debit-positive balances). Throws an {@link InvalidJournalEntryError} listing every problem.
 * @publicApi
 */
export function assertValidBalanceAssertions(date: IsoDate, balances: readonly BalanceAssertion[]): void {
  const issues: ValidationIssue[] = [];
  if (typeof date !== 'string' || !isIsoDate(date)) {
    issues.push({ path: 'date', message: 'must be a calendar date YYYY-MM-DD' });
  }
  if (!Array.isArray(balances)) {
    issues.push({ path: 'balances', message: 'must be an array' });
    throw new InvalidJournalEntryError(issues, 'Balance assertion');
  }
  const seen = new Map<string, number>();
  balances.forEach((balance, i) => {
    const path = `balances[${i}]`;
    if (typeof balance !== 'object' || balance === null) {
      issues.push({ path, message: 'must be an object' });
      return;
    }
    const accountIssue = accountProblem(balance.account);
    if (accountIssue) issues.push({ path: `${path}.account`, message: accountIssue });
    if (typeof balance.amount !== 'number' || !Number.isSafeInteger(balance.amount)) {
      issues.push({
        path: `${path}.amount`,
        message: `must be a safe integer number of øre (got ${describeAmount(balance.amount)})`,
      });
    }
    if (balance.description !== undefined && typeof balance.description !== 'string') {
      issues.push({ path: `${path}.description`, message: 'must be a string when present' });
    }
    if (typeof balance.account === 'string') {
      const first = seen.get(balance.account);
      if (first !== undefined)
        issues.push({ path: `${path}.account`, message: `repeats balances[${first}]` });
      else seen.set(balance.account, i);
    }
  });
  if (issues.length > 0) throw new InvalidJournalEntryError(issues, 'Balance assertion');
}

/**
 * The debit-positive effect of an entry on each account (debits minus credits), in line order of first use.
 * @internal
 */
export function netByAccount(entry: JournalEntry): Map<string, bigint> {
  const net = new Map<string, bigint>();
  for (const line of entry.lines) {
    const delta = line.debit !== undefined ? BigInt(line.debit) : -BigInt(line.credit as number);
    net.set(line.account, (net.get(line.account) ?? 0n) + delta);
  }
  return net;
}

/**
 * Checks the customer a call is for: a non-empty id without control characters (it names files and scopes keys)
 * and an organisation number string. Throws an {@link InvalidJournalEntryError}.
 * @internal
 */
export function assertValidCustomerRef(customer: CustomerRef): void {
  const issues: ValidationIssue[] = [];
  if (typeof customer !== 'object' || customer === null) {
    issues.push({ path: 'customer', message: 'must be an object' });
  } else {
    const idIssue = idempotencyKeyProblem(customer.id);
    if (idIssue) issues.push({ path: 'customer.id', message: idIssue });
    if (typeof customer.organisasjonsnummer !== 'string') {
      issues.push({ path: 'customer.organisasjonsnummer', message: 'must be a string' });
    }
  }
  if (issues.length > 0) throw new InvalidJournalEntryError(issues, 'Journal call');
}
