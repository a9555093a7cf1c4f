import { randomUUID } from 'node:crypto';
import { basename, join, resolve } from 'node:path';
import type { IsoDate } from '../domain/common.model.js';
import { maskPersonNumbersInText } from '../domain/identifiers.js';
import { formatOre } from '../domain/money.js';
import { systemClock, type Clock } from '../time/clock.js';
import type {
  BalanceAssertion,
  CustomerRef,
  JournalAdapter,
  JournalEntry,
  JournalLine,
  PostResult,
} from './journal-adapter.interface.js';
import {
  assertValidBalanceAssertions,
  assertValidCustomerRef,
  assertValidJournalBatch,
} from './journal-entry.validation.js';
import {
  appendDurably,
  fileSignature,
  readIfExists,
  sameSignature,
  serialized,
  splitLines,
  truncateTo,
  type FileSignature,
} from './journal-file.util.js';
import { customerFileStem } from './journal-text.util.js';
import { JournalFileError } from './journal.error.js';

/**
 * Where a {@link JsonlJournalAdapter} writes: one file for every customer (each line names its customer), or one
 * file per customer in a directory (`<dir>/<customerId>.jsonl`).
 * @publicApi
 */
export type JsonlJournalAdapterOptions = ({ path: string } | { dir: string }) & {
  /** Source of the `postedAt` timestamps. Default: the machine clock. */
  clock?: Clock;
};

/** A journal line as written: øre as an integer plus the same amount as kroner text for people. @publicApi */
export interface JsonlLineRecord {
  account: string;
  debit?: number;
  debitNok?: string;
  credit?: number;
  creditNok?: string;
  description?: string;
  kid?: string;
  reference?: string;
}

interface BatchFields {
  /** Format version. */
  v: 1;
  customerId: string;
  organisasjonsnummer: string;
  /** Lines written by one call share a batch id; a batch with fewer than `batchSize` lines was cut by a crash. */
  batch: string;
  batchSize: number;
  postedAt: string;
}

/** One line of a JSON-lines journal holding an entry. @publicApi */
export interface JsonlEntryRecord extends BatchFields {
  type: 'entry';
  idempotencyKey: string;
  date: IsoDate;
  description: string;
  lines: JsonlLineRecord[];
  source: { kind: string; ids: string[] };
  reverses?: string;
}

/** One line of a JSON-lines journal holding balances asserted by the reconciliation. @publicApi */
export interface JsonlAssertionRecord extends BatchFields {
  type: 'balance-assertion';
  date: IsoDate;
  balances: { account: string; amount: number; amountNok: string; description?: string }[];
}

/** @publicApi */
export type JsonlRecord = JsonlEntryRecord | JsonlAssertionRecord;

interface FileState {
  signature: FileSignature | undefined;
  /** customer id → posted keys */
  keys: Map<string, Set<string>>;
  organisations: Map<string, string>;
  lineCount: number;
}

function isRecord(value: unknown): value is JsonlRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<JsonlRecord>;
  return (
    r.v === 1 &&
    (r.type === 'entry' ? typeof r.idempotencyKey === 'string' : r.type === 'balance-assertion') &&
    typeof r.customerId === 'string' &&
    typeof r.organisasjonsnummer === 'string' &&
    typeof r.batch === 'string' &&
    typeof r.batchSize === 'number' &&
    Number.isSafeInteger(r.batchSize) &&
    r.batchSize > 0
  );
}

function parseRecord(text: string): JsonlRecord | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function lineRecord(line: JournalLine): JsonlLineRecord {
  const record: JsonlLineRecord = { account: line.account };
  if (line.debit !== undefined) {
    record.debit = line.debit;
    record.debitNok = formatOre(line.debit, 'plain');
  } else {
    record.credit = line.credit;
    record.creditNok = formatOre(line.credit as number, 'plain');
  }
  if (line.description !== undefined) record.description = maskPersonNumbersInText(line.description);
  if (line.kid !== undefined) record.kid = line.kid;
  if (line.reference !== undefined) record.reference = maskPersonNumbersInText(line.reference);
  return record;
}

/**
 * A journal written as JSON lines: one line per posted entry (and per balance assertion), amounts as integer øre
 * plus kroner text. Appends each batch with a single write followed by `fsync`; on first use (and whenever the
 * file changed behind its back) it reads the file to learn which keys are posted, so it stays idempotent across
 * restarts and instances. A batch cut short by a crash (a torn last line, or fewer lines than its `batchSize`)
 * is removed before the next write, so a batch is in the file completely or not at all. Person numbers in
 * descriptions and references are masked. Writers are serialised per file within a process; separate processes
 * must not write the same file at the same time.
 * @publicApi
 */
export class JsonlJournalAdapter implements JournalAdapter {
  private readonly target: { file: string } | { dir: string };
  private readonly clock: Clock;
  private readonly states = new Map<string, FileState>();

  constructor(options: JsonlJournalAdapterOptions) {
    this.target = 'path' in options ? { file: resolve(options.path) } : { dir: resolve(options.dir) };
    this.clock = options.clock ?? systemClock;
  }

  /** The file holding a customer's lines. */
  fileFor(customerId: string): string {
    return 'file' in this.target
      ? this.target.file
      : join(this.target.dir, `${customerFileStem(customerId)}.jsonl`);
  }

  async postEntries(customer: CustomerRef, entries: JournalEntry[]): Promise<PostResult[]> {
    assertValidCustomerRef(customer);
    assertValidJournalBatch(entries);
    const file = this.fileFor(customer.id);
    return serialized(file, async () => {
      const state = await this.load(file);
      this.checkOrganisation(state, customer, file);
      const posted = state.keys.get(customer.id) ?? new Set<string>();
      const fresh: JournalEntry[] = [];
      const freshKeys = new Set<string>();
      for (const entry of entries) {
        if (posted.has(entry.idempotencyKey) || freshKeys.has(entry.idempotencyKey)) continue;
        freshKeys.add(entry.idempotencyKey);
        fresh.push(entry);
      }
      const base = this.batchFields(customer, fresh.length);
      const records = fresh.map((entry): JsonlEntryRecord => {
        const record: JsonlEntryRecord = {
          ...base,
          type: 'entry',
          idempotencyKey: entry.idempotencyKey,
          date: entry.date,
          description: maskPersonNumbersInText(entry.description),
          lines: entry.lines.map(lineRecord),
          source: { kind: entry.source.kind, ids: [...entry.source.ids] },
        };
        if (entry.reverses !== undefined) record.reverses = entry.reverses;
        return record;
      });
      const firstLine = state.lineCount + 1;
      await this.append(file, state, records, customer);
      const refs = new Map(fresh.map((e, i) => [e.idempotencyKey, `${basename(file)}:${firstLine + i}`]));
      const reported = new Set<string>();
      return entries.map((entry): PostResult => {
        const ref = refs.get(entry.idempotencyKey);
        if (ref === undefined || reported.has(entry.idempotencyKey)) {
          return { idempotencyKey: entry.idempotencyKey, status: 'duplicate' };
        }
        reported.add(entry.idempotencyKey);
        return { idempotencyKey: entry.idempotencyKey, status: 'posted', ref };
      });
    });
  }

  /** Appends one line recording the balances the ledger must show at the end of `date`. */
  async assertBalances(customer: CustomerRef, date: IsoDate, balances: BalanceAssertion[]): Promise<void> {
    assertValidCustomerRef(customer);
    assertValidBalanceAssertions(date, balances);
    if (balances.length === 0) return;
    const file = this.fileFor(customer.id);
    await serialized(file, async () => {
      const state = await this.load(file);
      this.checkOrganisation(state, customer, file);
      const record: JsonlAssertionRecord = {
        ...this.batchFields(customer, 1),
        type: 'balance-assertion',
        date,
        balances: balances.map((b) => ({
          account: b.account,
          amount: b.amount,
          amountNok: formatOre(b.amount, 'plain'),
          ...(b.description === undefined ? {} : { description: maskPersonNumbersInText(b.description) }),
        })),
      };
      await this.append(file, state, [record], customer);
    });
  }

  private batchFields(customer: CustomerRef, size: number): BatchFields {
    return {
      v: 1,
      customerId: customer.id,
      organisasjonsnummer: customer.organisasjonsnummer,
      batch: randomUUID(),
      batchSize: size,
      postedAt: new Date(this.clock.now()).toISOString(),
    };
  }

  private async append(file: string, state: FileState, records: JsonlRecord[], customer: CustomerRef) {
    if (records.length === 0) return;
    const text = records.map((r) => `${JSON.stringify(r)}\n`).join('');
    try {
      await appendDurably(file, text);
    } catch (error) {
      this.states.delete(file); // the tail may be torn: read (and repair) the file again next time
      throw error;
    }
    const keys = state.keys.get(customer.id) ?? new Set<string>();
    for (const r of records) if (r.type === 'entry') keys.add(r.idempotencyKey);
    state.keys.set(customer.id, keys);
    state.organisations.set(customer.id, customer.organisasjonsnummer);
    state.lineCount += records.length;
    state.signature = await fileSignature(file);
  }

  private checkOrganisation(state: FileState, customer: CustomerRef, file: string): void {
    const known = state.organisations.get(customer.id);
    if (known !== undefined && known !== customer.organisasjonsnummer) {
      throw new JournalFileError(
        `Journal file ${file} holds customer ${customer.id} with another organisation number; refusing to mix ledgers`,
        { code: 'KOB_JOURNAL_CUSTOMER_MISMATCH', file },
      );
    }
  }

  /** The file's posted keys, from cache when the file is as we left it; repairs a torn tail. */
  private async load(file: string): Promise<FileState> {
    const cached = this.states.get(file);
    const signature = await fileSignature(file);
    if (cached && sameSignature(cached.signature, signature)) return cached;
    const state = await readState(file);
    this.states.set(file, state);
    return state;
  }
}

async function readState(file: string): Promise<FileState> {
  const state: FileState = { signature: undefined, keys: new Map(), organisations: new Map(), lineCount: 0 };
  const bytes = await readIfExists(file);
  if (bytes === undefined) return state;
  const lines = splitLines(bytes);
  let open: { id: string; size: number; records: JsonlRecord[]; start: number } | undefined;
  let tornAt: number | undefined;
  const corrupt = (lineNo: number, why: string) =>
    new JournalFileError(`Journal file ${file} line ${lineNo}: ${why}; repair or move the file`, {
      code: 'KOB_JOURNAL_CORRUPT',
      file,
    });
  for (const [i, line] of lines.entries()) {
    if (!line.terminated) {
      // Only the last line can lack its newline: the part of a batch a crash cut off. The whole batch goes.
      tornAt = open?.start ?? line.start;
      break;
    }
    if (line.text.trim() === '') continue;
    const record = parseRecord(line.text);
    if (record === undefined) throw corrupt(i + 1, 'is not a journal record of this module');
    if (open && record.batch !== open.id) throw corrupt(i + 1, `batch ${open.id} is incomplete`);
    open ??= { id: record.batch, size: record.batchSize, records: [], start: line.start };
    open.records.push(record);
    if (open.records.length === open.size) {
      for (const r of open.records) commit(state, r);
      open = undefined;
    }
  }
  if (tornAt === undefined && open) tornAt = open.start;
  if (tornAt !== undefined) await truncateTo(file, tornAt);
  state.lineCount = lines.filter((l) => l.end <= (tornAt ?? Infinity)).length;
  state.signature = await fileSignature(file);
  return state;
}

function commit(state: FileState, record: JsonlRecord): void {
  state.organisations.set(record.customerId, record.organisasjonsnummer);
  if (record.type !== 'entry') return;
  const keys = state.keys.get(record.customerId) ?? new Set<string>();
  keys.add(record.idempotencyKey);
  state.keys.set(record.customerId, keys);
}
