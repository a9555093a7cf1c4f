import { basename, join, resolve } from 'node:path';
import type { IsoDate } from '../domain/common.model.js';
import type {
  BalanceAssertion,
  CustomerRef,
  JournalAdapter,
  JournalEntry,
  PostResult,
} from './journal-adapter.interface.js';
import {
  assertValidBalanceAssertions,
  assertValidCustomerRef,
  assertValidJournalBatch,
  netByAccount,
} from './journal-entry.validation.js';
import {
  appendDurably,
  fileSignature,
  readIfExists,
  rewriteAtomically,
  sameSignature,
  serialized,
  splitLines,
  truncateTo,
  type FileSignature,
} from './journal-file.util.js';
import {
  BATCH_BEGIN,
  BATCH_END,
  accountDirective,
  formatAssertionTransaction,
  formatTransaction,
  journalHeader,
  parseJournal,
  retiredAssertionLine,
  type LiveAssertion,
} from './hledger-journal.format.js';
import { customerFileStem } from './journal-text.util.js';
import { JournalFileError } from './journal.error.js';

/** @publicApi */
export interface HledgerJournalAdapterOptions {
  /** Directory of the journals: one file per customer, `<dir>/<customerId>.journal`. Created when missing. */
  dir: string;
}

interface FileState {
  signature: FileSignature | undefined;
  keys: Set<string>;
  accounts: Set<string>;
  assertions: LiveAssertion[];
  customer?: { id: string; organisasjonsnummer: string };
  lineCount: number;
  /** The file ends with a newline (or is empty): a chunk can be appended as it is. */
  endsWithNewline: boolean;
}

/** A chunk of journal text to add, and what it adds. */
interface Chunk {
  text: string;
  /** Line (within the chunk, 0-based) of each new transaction's first line, by key. */
  transactionLines: Map<string, number>;
  accounts: string[];
  assertions: Omit<LiveAssertion, 'line'>[];
  assertionLines: number[];
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Writes one hledger journal per customer (`<dir>/<customerId>.journal`) that passes `hledger check --strict`:
 * declared decimal mark, commodity and accounts (with NS 4102 names and hledger account types), one transaction
 * per entry tagged with its idempotency key (and `reverses:` on reversals), amounts exact from øre, person
 * numbers in texts masked. Balance assertions become hledger balance-assertion postings.
 *
 * Each batch is appended with one write between `; kob batch begin` / `; kob batch end` markers and flushed to
 * disk; a batch a crash cut short is removed before the next write. The set of posted keys is read back from
 * the file, so a new instance (a restart) stays idempotent.
 *
 * Assertions are checked by hledger in date order: an entry posted later but dated before an assertion changes
 * the balance that assertion saw. Such stale assertions are retired (turned into a comment naming the entry)
 * in the same atomic rewrite that adds the entry; the next reconciliation asserts the current figures.
 *
 * Writers are serialised per file within a process; separate processes must not write one customer's journal
 * at the same time (the reconciliation's per-customer run lock ensures that).
 * @publicApi
 */
export class HledgerJournalAdapter implements JournalAdapter {
  private readonly dir: string;
  private readonly states = new Map<string, FileState>();

  constructor(options: HledgerJournalAdapterOptions) {
    this.dir = resolve(options.dir);
  }

  /** The journal file of a customer. */
  fileFor(customerId: string): string {
    return join(this.dir, `${customerFileStem(customerId)}.journal`);
  }

  async postEntries(customer: CustomerRef, entries: JournalEntry[]): Promise<PostResult[]> {
    assertValidCustomerRef(customer);
    assertValidJournalBatch(entries);
    const file = this.fileFor(customer.id);
    return serialized(file, async () => {
      const state = await this.load(file, customer);
      const fresh: JournalEntry[] = [];
      const freshKeys = new Set<string>();
      for (const entry of entries) {
        if (state.keys.has(entry.idempotencyKey) || freshKeys.has(entry.idempotencyKey)) continue;
        freshKeys.add(entry.idempotencyKey);
        fresh.push(entry);
      }
      const firstLine = state.lineCount + 1;
      const chunk = this.entriesChunk(state, customer, fresh);
      await this.write(file, state, chunk, staleAssertions(state.assertions, fresh));
      const reported = new Set<string>();
      return entries.map((entry): PostResult => {
        const line = chunk?.transactionLines.get(entry.idempotencyKey);
        if (line === undefined || reported.has(entry.idempotencyKey)) {
          return { idempotencyKey: entry.idempotencyKey, status: 'duplicate' };
        }
        reported.add(entry.idempotencyKey);
        return {
          idempotencyKey: entry.idempotencyKey,
          status: 'posted',
          ref: `${basename(file)}:${firstLine + line}`,
        };
      });
    });
  }

  /**
   * Appends an assertion transaction: hledger will check that each account's balance, over the transactions
   * dated before `date` and those dated `date` written before the assertion, equals the given debit-positive
   * amount. Balances already asserted (same date, account and amount, still in force) are not repeated.
   */
  async assertBalances(customer: CustomerRef, date: IsoDate, balances: BalanceAssertion[]): Promise<void> {
    assertValidCustomerRef(customer);
    assertValidBalanceAssertions(date, balances);
    const file = this.fileFor(customer.id);
    await serialized(file, async () => {
      const state = await this.load(file, customer);
      const fresh = balances.filter(
        (b) =>
          !state.assertions.some((a) => a.date === date && a.account === b.account && a.amount === b.amount),
      );
      if (fresh.length === 0) return;
      const accounts = newAccounts(
        state,
        fresh.map((b) => b.account),
      );
      const head = this.chunkHead(state, customer, accounts);
      const body = formatAssertionTransaction(date, fresh);
      const firstPosting = countLines(head) + 1;
      const chunk: Chunk = {
        text: `${head}${body}\n${BATCH_END}\n\n`,
        transactionLines: new Map(),
        accounts,
        assertions: fresh.map((b) => ({ date, account: b.account, amount: b.amount })),
        assertionLines: fresh.map((_, i) => firstPosting + i),
      };
      await this.write(file, state, chunk, new Map());
    });
  }

  private entriesChunk(state: FileState, customer: CustomerRef, fresh: JournalEntry[]): Chunk | undefined {
    if (fresh.length === 0) return undefined;
    const accounts = newAccounts(
      state,
      fresh.flatMap((e) => e.lines.map((l) => l.account)),
    );
    let text = this.chunkHead(state, customer, accounts);
    const transactionLines = new Map<string, number>();
    for (const entry of fresh) {
      transactionLines.set(entry.idempotencyKey, countLines(text));
      text += `${formatTransaction(entry)}\n`;
    }
    return {
      text: `${text}${BATCH_END}\n\n`,
      transactionLines,
      accounts,
      assertions: [],
      assertionLines: [],
    };
  }

  /** Batch marker, the file header for a new file, and directives for accounts not declared yet. */
  private chunkHead(state: FileState, customer: CustomerRef, accounts: string[]): string {
    const parts = [`${BATCH_BEGIN}\n`];
    if (state.signature === undefined || state.signature.size === 0)
      parts.push(`${journalHeader(customer)}\n`);
    if (accounts.length > 0) parts.push(`${accounts.map(accountDirective).join('\n')}\n\n`);
    return parts.join('');
  }

  /**
   * Adds `chunk` to the file: a plain append, or (when assertions must be retired) an atomic rewrite of the
   * whole file with those lines commented out and the chunk appended.
   */
  private async write(
    file: string,
    state: FileState,
    chunk: Chunk | undefined,
    retire: Map<number, string>,
  ): Promise<void> {
    if (chunk === undefined) return;
    const separator = state.endsWithNewline ? '' : '\n';
    try {
      if (retire.size === 0) {
        await appendDurably(file, `${separator}${chunk.text}`);
      } else {
        const bytes = (await readIfExists(file)) ?? Buffer.alloc(0);
        const lines = splitLines(bytes).map((l, i) => {
          const byKey = retire.get(i + 1);
          return byKey === undefined ? l.text : retiredAssertionLine(l.text, byKey);
        });
        const existing = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
        await rewriteAtomically(file, `${existing}${chunk.text}`);
      }
    } catch (error) {
      this.states.delete(file); // the tail may be torn: read (and repair) the file again next time
      throw error;
    }
    const base = state.lineCount; // chunk line i (0-based) becomes file line base + i + 1
    for (const key of chunk.transactionLines.keys()) state.keys.add(key);
    for (const account of chunk.accounts) state.accounts.add(account);
    state.assertions = state.assertions.filter((a) => !retire.has(a.line));
    chunk.assertions.forEach((a, i) =>
      state.assertions.push({ ...a, line: base + chunk.assertionLines[i] + 1 }),
    );
    state.lineCount = base + countLines(chunk.text);
    state.endsWithNewline = true;
    state.signature = await fileSignature(file);
  }

  /** The file's state, from cache when the file is as we left it; repairs a torn tail; checks the customer. */
  private async load(file: string, customer: CustomerRef): Promise<FileState> {
    const signature = await fileSignature(file);
    let state = this.states.get(file);
    if (!state || !sameSignature(state.signature, signature)) {
      state = await readState(file);
      this.states.set(file, state);
    }
    const owner = state.customer;
    if (owner && (owner.id !== customer.id || owner.organisasjonsnummer !== customer.organisasjonsnummer)) {
      throw new JournalFileError(
        `Journal file ${file} belongs to another customer or organisation number than ${customer.id}; ` +
          'refusing to mix ledgers',
        { code: 'KOB_JOURNAL_CUSTOMER_MISMATCH', file },
      );
    }
    state.customer ??= { id: customer.id, organisasjonsnummer: customer.organisasjonsnummer };
    return state;
  }
}

async function readState(file: string): Promise<FileState> {
  const bytes = await readIfExists(file);
  if (bytes === undefined) {
    return {
      signature: undefined,
      keys: new Set(),
      accounts: new Set(),
      assertions: [],
      lineCount: 0,
      endsWithNewline: true,
    };
  }
  const lines = splitLines(bytes);
  const parsed = parseJournal(lines);
  let endsWithNewline = bytes.length === 0 || bytes[bytes.length - 1] === 0x0a;
  if (parsed.tornAt !== undefined) {
    await truncateTo(file, parsed.tornAt);
    endsWithNewline = true; // a batch marker always starts a line
  }
  return {
    signature: await fileSignature(file),
    keys: parsed.keys,
    accounts: parsed.accounts,
    assertions: parsed.assertions,
    customer: parsed.customer,
    lineCount: parsed.lineCount,
    endsWithNewline,
  };
}

function newAccounts(state: FileState, accounts: Iterable<string>): string[] {
  return [...new Set(accounts)].filter((a) => !state.accounts.has(a));
}

/**
 * Assertions (by line) that `fresh` entries make stale: an entry dated strictly before an assertion's date that
 * changes the asserted account's balance. (Same-date entries written later are checked after the assertion.)
 * Maps each such line to the key of the first entry responsible.
 */
function staleAssertions(
  assertions: readonly LiveAssertion[],
  fresh: readonly JournalEntry[],
): Map<number, string> {
  const stale = new Map<number, string>();
  if (assertions.length === 0 || fresh.length === 0) return stale;
  const nets = fresh.map((entry) => ({ entry, net: netByAccount(entry) }));
  for (const assertion of assertions) {
    let total = 0n;
    let first: string | undefined;
    for (const { entry, net } of nets) {
      if (entry.date >= assertion.date) continue;
      const delta = net.get(assertion.account) ?? 0n;
      if (delta === 0n) continue;
      total += delta;
      first ??= entry.idempotencyKey;
    }
    if (total !== 0n && first !== undefined) stale.set(assertion.line, first);
  }
  return stale;
}
