import type { IsoDate } from '../domain/common.model.js';
import { formatOre, parseOre, type Ore } from '../domain/money.js';
import type {
  BalanceAssertion,
  CustomerRef,
  JournalEntry,
  JournalLine,
} from './journal-adapter.interface.js';
import { decodeTagValue, encodeTagValue, safeText } from './journal-text.util.js';
import { hledgerAccountType, standardAccountName } from './standard-account-names.js';

// The hledger journal dialect this module writes (checked against hledger 1.25) and the little it reads back:
// posted keys (`key:` tags), declared accounts, live balance assertions and batch markers. Amounts are written
// from integer øre as `1234.56 NOK` with a declared decimal point, so no reader has to guess.

/** @internal */
export const COMMODITY = 'NOK';
/** @internal */
export const BATCH_BEGIN = '; kob batch begin';
/** @internal */
export const BATCH_END = '; kob batch end';
const ASSERTION_TAG = 'kob-assertion:';
const CUSTOMER_TAG = 'kob-customer:';
const ACCOUNT_WIDTH = 10;
const AMOUNT_WIDTH = 16;

/** `1234.56 NOK`, exact from øre. @internal */
export function formatAmount(ore: Ore): string {
  return `${formatOre(ore, 'plain')} ${COMMODITY}`;
}

/**
 * The lines that open a new journal file: who it belongs to, how to check it, and the decimal mark and commodity
 * (declared, so `hledger check --strict` passes and amounts are never ambiguous).
 * @internal
 */
export function journalHeader(customer: CustomerRef): string {
  return [
    '; hledger journal written by nestjs-krav-og-betalinger. Do not edit entries: the module appends only.',
    `; ${CUSTOMER_TAG}${encodeTagValue(customer.id)}, org:${encodeTagValue(customer.organisasjonsnummer)}`,
    '; A changed fact is posted as a reversal (tag reverses:) plus a new entry. Transactions tagged',
    `; ${ASSERTION_TAG} hold Skatteetaten's balances; verify with: hledger -f <this file> check --strict`,
    '',
    'decimal-mark .',
    `commodity 1000.00 ${COMMODITY}`,
    '',
  ].join('\n');
}

/** `account 1920  ; Bankinnskudd, type:C`. @internal */
export function accountDirective(account: string): string {
  const name = standardAccountName(account);
  const type = hledgerAccountType(account);
  const comment = [name, type === undefined ? undefined : `type:${type}`].filter((p) => p !== undefined);
  return comment.length === 0 ? `account ${account}` : `account ${account}  ; ${comment.join(', ')}`;
}

/** A description safe for a transaction line: no `;` (starts a comment), no leading status or code mark. */
function transactionDescription(text: string): string {
  const clean = safeText(text).replace(/;/g, ',');
  // `*`/`!` would be read as a cleared/pending mark, `(` as a transaction code.
  return /^[*!(]/.test(clean) ? `- ${clean}` : clean;
}

function postingLine(account: string, amount: string, comment: string): string {
  const line = `    ${account.padEnd(ACCOUNT_WIDTH)}  ${amount.padStart(AMOUNT_WIDTH)}`;
  return comment === '' ? line : `${line}  ; ${comment}`;
}

function lineComment(line: JournalLine): string {
  const tags: string[] = [];
  if (line.kid !== undefined && line.kid !== '') tags.push(`kid:${encodeTagValue(line.kid)}`);
  if (line.reference !== undefined && line.reference !== '') {
    tags.push(`ref:${encodeTagValue(safeText(line.reference))}`);
  }
  const text = safeText(line.description);
  // Free text first: a tag's value runs to the next comma, so text after a tag would be swallowed by it.
  return [text, tags.join(', ')].filter((p) => p !== '').join(tags.length > 0 && text !== '' ? '  ' : '');
}

/**
 * One entry as an hledger transaction: date, description (person numbers masked), `key:` and `reverses:` tags,
 * the source, and one posting per line (debit positive, credit negative) with the line's text and KID.
 * @internal
 */
export function formatTransaction(entry: JournalEntry): string {
  const tags = [`key:${encodeTagValue(entry.idempotencyKey)}`];
  if (entry.reverses !== undefined) tags.push(`reverses:${encodeTagValue(entry.reverses)}`);
  const source = [entry.source.kind, ...entry.source.ids].map((part) =>
    encodeTagValue(part).replace(/:/g, '%3A'),
  );
  tags.push(`source:${source.join(':')}`);
  const description = transactionDescription(entry.description);
  const head = `${entry.date}${description === '' ? '' : ` ${description}`}  ; ${tags.join(', ')}`;
  const postings = entry.lines.map((line) =>
    postingLine(
      line.account,
      formatAmount(line.debit !== undefined ? line.debit : -(line.credit as Ore)),
      lineComment(line),
    ),
  );
  return [head, ...postings, ''].join('\n');
}

/**
 * Balances as an hledger assertion transaction: one zero-amount posting per account with `= balance`, checked by
 * `hledger check` after every transaction dated on or before `date` and before later-written ones of that date.
 * @internal
 */
export function formatAssertionTransaction(date: IsoDate, balances: readonly BalanceAssertion[]): string {
  const postings = balances.map((b) =>
    postingLine(b.account, `0 ${COMMODITY} = ${formatAmount(b.amount)}`, safeText(b.description)),
  );
  return [`${date} Balances per Skatteetaten  ; ${ASSERTION_TAG}`, ...postings, ''].join('\n');
}

/**
 * The comment line that replaces a balance assertion which a later, back-dated entry made stale.
 * @internal
 */
export function retiredAssertionLine(assertionLine: string, byKey: string): string {
  return `    ; retired by back-dated entry ${encodeTagValue(byKey)}: ${assertionLine.trim()}`;
}

/** A balance assertion still in force, as read from a journal. @internal */
export interface LiveAssertion {
  date: IsoDate;
  account: string;
  amount: Ore;
  /** 1-based line number of its posting. */
  line: number;
}

/** What a journal file tells the adapter. @internal */
export interface ParsedJournal {
  keys: Set<string>;
  accounts: Set<string>;
  assertions: LiveAssertion[];
  customer?: { id: string; organisasjonsnummer: string };
  /** Lines in the (repaired) file. */
  lineCount: number;
  /** Byte offset of a batch a crash left unfinished, to be cut off; `undefined` when the file is whole. */
  tornAt?: number;
}

const TRANSACTION = /^(\d{4}-\d{2}-\d{2})(?:[ \t]|$)/;
const ACCOUNT_DIRECTIVE = /^account[ \t]+(\S(?:.*?\S)?)(?: {2,}|\t|$)/;
const ASSERTION_POSTING = new RegExp(
  `^[ \\t]+([^\\s;](?:.*?\\S)?)(?: {2,}|\\t)\\s*0 ${COMMODITY} = (-?\\d+\\.\\d{2}) ${COMMODITY}`,
);
const KEY_TAG = /(?:^|[\s,])key:([^\s,]+)/;
const CUSTOMER_LINE = /^; kob-customer:(\S+), org:(\S*)/;

function commentOf(line: string): string | undefined {
  const i = line.indexOf(';');
  return i === -1 ? undefined : line.slice(i + 1);
}

/**
 * Reads a journal written by this module (hand-written transactions are tolerated and ignored unless they carry
 * a `key:` tag). Lines are given with their byte offsets so a torn last batch can be cut off exactly.
 * @internal
 */
export function parseJournal(
  lines: readonly { text: string; start: number; terminated?: boolean }[],
): ParsedJournal {
  // A batch begun but never ended is what a crash mid-write leaves: everything from its marker on is ignored
  // (and cut off by the adapter), so none of its keys count as posted. A crash can also cut the marker itself.
  let openBatch: number | undefined;
  for (const { text, start } of lines) {
    if (text === BATCH_BEGIN) openBatch = start;
    else if (text === BATCH_END) openBatch = undefined;
  }
  const last = lines.at(-1);
  if (openBatch === undefined && last?.terminated === false && BATCH_BEGIN.startsWith(last.text)) {
    openBatch = last.start;
  }
  const whole = openBatch === undefined ? lines : lines.filter((l) => l.start < openBatch);
  const parsed: ParsedJournal = {
    keys: new Set(),
    accounts: new Set(),
    assertions: [],
    lineCount: whole.length,
  };
  if (openBatch !== undefined) parsed.tornAt = openBatch;
  let assertionDate: IsoDate | undefined;
  for (const [i, { text }] of whole.entries()) {
    const tx = TRANSACTION.exec(text);
    if (tx) {
      const comment = commentOf(text) ?? '';
      assertionDate = comment.includes(ASSERTION_TAG) ? tx[1] : undefined;
      const key = KEY_TAG.exec(comment);
      if (key) parsed.keys.add(safeDecode(key[1]));
      continue;
    }
    if (/^\S/.test(text)) assertionDate = undefined; // a directive or top-level comment ends a transaction
    const account = ACCOUNT_DIRECTIVE.exec(text);
    if (account) {
      parsed.accounts.add(account[1]);
      continue;
    }
    const customer = CUSTOMER_LINE.exec(text);
    if (customer) {
      parsed.customer = { id: safeDecode(customer[1]), organisasjonsnummer: safeDecode(customer[2]) };
      continue;
    }
    const posting = assertionDate === undefined ? null : ASSERTION_POSTING.exec(text);
    if (posting) {
      parsed.assertions.push({
        date: assertionDate as IsoDate,
        account: posting[1],
        amount: parseOre(posting[2]),
        line: i + 1,
      });
    }
  }
  return parsed;
}

function safeDecode(value: string): string {
  try {
    return decodeTagValue(value);
  } catch {
    return value; // not written by us; compare it as it stands
  }
}
