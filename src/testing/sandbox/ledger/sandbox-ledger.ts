import { InvalidDateError } from '../../../errors/kob.error.js';
import { isIsoDate } from '../../../domain/dates.js';
import type { IsoDate } from '../../../domain/common.model.js';
import type {
  ClaimsInPeriod,
  OpenClaims,
  PaymentsInPeriod,
  PayoutsInPeriod,
} from '../../../domain/responses.model.js';
import { dayOf, dayToIso, isoToDay, yearMonthOf } from './day.js';
import type { ClosedPeriod } from './ledger-queries.js';
import { queryClaims, queryOpenClaims, queryPayments, queryPayouts } from './ledger-queries.js';
import type { PartyProfile } from './ledger.types.js';
import { PartyBook } from './party-book.js';
import type { PartyBookView } from './party-book.js';
import { documentedProfiles, generatedProfiles } from './scenarios.js';
import type { GenerateOptions } from './scenarios.js';

/**
 * The sandbox's default "today": fixed, so the same seed gives the same ledgers on any day the tests run.
 * @publicApi
 */
export const DEFAULT_SANDBOX_TODAY: IsoDate = '2026-10-15';

/** How far back the documented scenarios' history reaches (their ledgers start empty then). */
const SCENARIO_HISTORY_MONTHS = 24;

/** @publicApi */
export interface SandboxLedgerOptions {
  /** Default 1. */
  seed?: number;
  /** The ledger's "today" (`YYYY-MM-DD`). Default {@link DEFAULT_SANDBOX_TODAY}. */
  today?: IsoDate;
}

/**
 * Deterministic tax accounts for a set of parties, simulated up to "today". Same seed and options give
 * identical ledgers. Query results are live views of the ledger (see `ledger-queries.ts`).
 * @publicApi
 */
export class SandboxLedger {
  private readonly books = new Map<string, PartyBook>();
  private readonly owners = new Map<string, string>();
  private todayDay: number;
  private changes = 0;
  /** First day of the ledgers' history (nothing happened before it). */
  readonly startDate: IsoDate;

  private constructor(profiles: readonly PartyProfile[], seed: number, today: IsoDate, startDay: number) {
    this.todayDay = isoToDay(today);
    this.startDate = dayToIso(startDay);
    for (const profile of profiles) {
      const book = new PartyBook(profile, seed, startDay, this.todayDay);
      book.runTo(this.todayDay);
      this.books.set(profile.partyId, book);
      if (profile.ownerPersonId !== undefined) this.owners.set(profile.ownerPersonId, profile.partyId);
    }
  }

  /** Builds ledgers for hand-made profiles (tests and custom scenarios), starting empty on `startDate`. */
  static fromProfiles(
    profiles: readonly PartyProfile[],
    options: SandboxLedgerOptions & { startDate: IsoDate },
  ): SandboxLedger {
    const today = checkToday(options.today);
    if (!isIsoDate(options.startDate) || options.startDate > today) {
      throw new InvalidDateError('startDate', 'must be a calendar date YYYY-MM-DD not after today');
    }
    return new SandboxLedger(profiles, options.seed ?? 1, today, isoToDay(options.startDate));
  }

  /** The organisation a sole trader's owner (person number) runs, for the authority's party checks. */
  ownerOf(personId: string): string | undefined {
    return this.owners.get(personId);
  }

  /** The documented test organisations (see `documentedProfiles`), with two years of history. */
  static documented(options: SandboxLedgerOptions = {}): SandboxLedger {
    const seed = options.seed ?? 1;
    const today = checkToday(options.today);
    const { year, month } = yearMonthOf(isoToDay(today));
    const index = year * 12 + month - 1 - SCENARIO_HISTORY_MONTHS;
    const start = dayOf(Math.floor(index / 12), (index % 12) + 1, 1);
    return new SandboxLedger(documentedProfiles(seed), seed, today, start);
  }

  /** Benchmark ledgers: see `generatedProfiles`. History: the year up to today. */
  static generate(options: GenerateOptions & { today?: IsoDate }): SandboxLedger {
    const seed = options.seed ?? 1;
    const today = checkToday(options.today);
    return new SandboxLedger(
      generatedProfiles({ ...options, seed }, today),
      seed,
      today,
      isoToDay(today) - 364,
    );
  }

  /** The ledger's current date. */
  get today(): IsoDate {
    return dayToIso(this.todayDay);
  }

  /** Parties in the ledger, in their original order. */
  profiles(): PartyProfile[] {
    return Array.from(this.books.values(), (b) => b.profile);
  }

  hasParty(partyId: string): boolean {
    return this.books.has(partyId);
  }

  /** A party's book (claims, payments, payouts), or undefined. */
  book(partyId: string): PartyBookView | undefined {
    return this.books.get(partyId);
  }

  /**
   * A number that changes whenever the ledger does (it only changes through {@link advance}), so a reader can
   * keep what it derived from the ledger until then.
   */
  get revision(): number {
    return this.changes;
  }

  /** Moves "today" forward: new claims, payments, placements, set-offs and payouts happen day by day. */
  advance(days: number): void {
    if (!Number.isSafeInteger(days) || days < 0) throw new RangeError('days must be a non-negative integer');
    this.changes++;
    this.todayDay += days;
    for (const book of this.books.values()) book.runTo(this.todayDay);
  }

  openClaims(partyId: string): OpenClaims | undefined {
    const book = this.books.get(partyId);
    return book === undefined ? undefined : queryOpenClaims(book);
  }

  claims(partyId: string, period: ClosedPeriod): ClaimsInPeriod | undefined {
    const book = this.books.get(partyId);
    return book === undefined ? undefined : queryClaims(book, period);
  }

  payments(partyId: string, period: ClosedPeriod): PaymentsInPeriod | undefined {
    const book = this.books.get(partyId);
    return book === undefined ? undefined : queryPayments(book, period);
  }

  payouts(partyId: string, period: ClosedPeriod): PayoutsInPeriod | undefined {
    const book = this.books.get(partyId);
    return book === undefined ? undefined : queryPayouts(book, period);
  }
}

function checkToday(today: IsoDate | undefined): IsoDate {
  const value = today ?? DEFAULT_SANDBOX_TODAY;
  if (!isIsoDate(value)) throw new InvalidDateError('today', 'must be a calendar date YYYY-MM-DD');
  return value;
}
