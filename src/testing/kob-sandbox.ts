import type { JWK } from 'jose';
import type {
  CustomerConfig,
  JsonWebKeyInput,
  KobEnvironmentEndpoints,
} from '../config/module-options.interface.js';
import type { IsoDate } from '../domain/common.model.js';
import type { Clock } from '../time/clock.js';
import { kobApiRoutes, kobApiServerHooks } from './sandbox/api/kob-api.routes.js';
import type { WireFormat } from './sandbox/api/wire-serialiser.js';
import { SandboxAuthority } from './sandbox/authority/index.js';
import type { SandboxAuthorityOptions } from './sandbox/authority/index.js';
import { FaultController } from './sandbox/http/fault-controller.js';
import type { SandboxFault } from './sandbox/http/fault.types.js';
import { startSandboxServer } from './sandbox/http/sandbox-server.js';
import type { SandboxServer } from './sandbox/http/sandbox-server.js';
import { SandboxStatsCollector } from './sandbox/http/sandbox-stats.js';
import { SandboxLedger } from './sandbox/ledger/sandbox-ledger.js';
import type { PartyProfile } from './sandbox/ledger/ledger.types.js';

const DAY_MS = 86_400_000;

/**
 * Which ledgers the sandbox serves: the documented test organisations (default), or `generate` benchmark
 * customers (`customers` companies with `claimsPerCustomer` claims each in the year up to today).
 * @publicApi
 */
export type KobSandboxScenario =
  'documented' | { generate: { customers: number; claimsPerCustomer: number } };

/** @publicApi */
export interface KobSandboxOptions {
  scenario?: KobSandboxScenario;
  /** Same seed, same ledgers (and fault draws). Default 1. */
  seed?: number;
  /** The ledgers' "today". Default `DEFAULT_SANDBOX_TODAY` (fixed, so runs are reproducible). */
  today?: IsoDate;
  /** Delay before every response of every server. */
  latencyMs?: number;
  /** Faults active from the start (see {@link SandboxFault}). */
  faults?: SandboxFault[];
  /** `'1.1.1'` (default) or the older `'2023-03'` shapes. */
  wireFormat?: WireFormat;
  /** Sign of payment amounts: `'positive'` (default, Apr 2024 examples) or `'negative'` (Aug 2023 examples). */
  paymentSign?: 'positive' | 'negative';
  /** Which URL style `environment.apiBaseUrl` uses; both are always served. Default `'gateway'` (`/v1`). */
  apiUrlStyle?: 'gateway' | 'legacy';
  /** Fixed ports (default: free ports). */
  ports?: { maskinporten?: number; api?: number; altinn?: number };
  /** Concurrent API calls per party before 429. Default 5 (Skatteetaten's rule). */
  maxConcurrentPerParty?: number;
  /** Further options of the sandbox Maskinporten and Altinn (token lifetime, grant rules, extra clients). */
  authority?: Omit<SandboxAuthorityOptions, 'clock' | 'baseUrls' | 'seed' | 'ownerOf'>;
}

/**
 * What the sandbox observed. `requests` per route name (`mp.token`, `api.krav`, …, `api.unmatched`),
 * `tokenRequests` per token key (rejected ones included), `maxConcurrentPerParty` the highest number of API
 * calls in flight at once per party (a refused 6th call counts, so a client breaking the rule shows 6).
 * @publicApi
 */
export interface KobSandboxStats {
  requests: Record<string, number>;
  tokenRequests: Record<string, number>;
  maxConcurrentPerParty: Record<string, number>;
  throttledPerParty: Record<string, number>;
  faultsApplied: Record<string, number>;
}

/** Base URLs of the three servers. @publicApi */
export interface KobSandboxUrls {
  maskinporten: string;
  api: string;
  altinn: string;
}

/**
 * A faithful local Krav og betalinger API with its Maskinporten and Altinn, on loopback. Start with
 * {@link KobSandbox.start}; plug `environment`, `clientId`, `key` and `customers` into the module's options.
 * @publicApi
 */
export class KobSandbox {
  private constructor(
    /** Endpoints for the module's `environment` option. */
    readonly environment: KobEnvironmentEndpoints,
    /** The registered Maskinporten client. */
    readonly clientId: string,
    /** The client's private signing key (a throwaway sandbox key). */
    readonly key: { jwk: JsonWebKeyInput },
    /** Ready customer configurations, each with access that works. */
    readonly customers: CustomerConfig[],
    readonly urls: KobSandboxUrls,
    /** The ledgers behind the API (queries return live views). */
    readonly ledger: SandboxLedger,
    /** The sandbox Maskinporten and Altinn (test hooks: system users, consents, token lifetime …). */
    readonly authority: SandboxAuthority,
    /** The sandbox's clock: real time plus every `advanceClock`. Give it to the module under test. */
    readonly clock: Clock,
    private readonly servers: SandboxServer[],
    private readonly faults: FaultController,
    private readonly httpStats: SandboxStatsCollector,
    private readonly moveClock: (ms: number) => void,
  ) {}

  /** Starts the servers and builds the ledgers; resolves when everything listens. */
  static async start(options: KobSandboxOptions = {}): Promise<KobSandbox> {
    const seed = options.seed ?? 1;
    const scenario = options.scenario ?? 'documented';
    const ledger =
      scenario === 'documented'
        ? SandboxLedger.documented({ seed, today: options.today })
        : SandboxLedger.generate({ ...scenario.generate, seed, today: options.today });
    let offsetMs = 0;
    const clock: Clock = { now: () => Date.now() + offsetMs };
    const authority = await SandboxAuthority.create({
      ...options.authority,
      clock,
      seed,
      ownerOf: (personId) => ledger.ownerOf(personId),
    });
    const faults = new FaultController(seed, options.faults ?? []);
    const stats = new SandboxStatsCollector();
    const common = { latencyMs: options.latencyMs, faults, stats };
    const servers: SandboxServer[] = [];
    try {
      const mp = await startSandboxServer(authority.maskinportenRoutes(), {
        ...common,
        name: 'mp',
        port: options.ports?.maskinporten,
      });
      servers.push(mp);
      const altinn = await startSandboxServer(authority.altinnRoutes(), {
        ...common,
        name: 'altinn',
        port: options.ports?.altinn,
      });
      servers.push(altinn);
      authority.setBaseUrls({ maskinporten: mp.url, altinn: altinn.url });
      const api = await startSandboxServer(
        kobApiRoutes({
          ledger,
          authorize: (input) => authority.authorizeApiCall(input),
          wire: { format: options.wireFormat ?? '1.1.1', paymentSign: options.paymentSign ?? 'positive' },
        }),
        {
          ...common,
          ...kobApiServerHooks(),
          name: 'api',
          port: options.ports?.api,
          maxConcurrentPerParty: options.maxConcurrentPerParty,
        },
      );
      servers.push(api);
      const environment: KobEnvironmentEndpoints = {
        maskinportenIssuer: authority.issuer,
        apiBaseUrl: `${api.url}${options.apiUrlStyle === 'legacy' ? '/api/innkreving/kravogbetalinger/v1' : '/v1'}`,
        altinnBaseUrl: altinn.url,
        altinn2BaseUrl: altinn.url,
      };
      const customers = ledger
        .profiles()
        .map((p, i) => customerFor(p, i, scenario === 'documented', authority, ledger));
      return new KobSandbox(
        environment,
        authority.clientId,
        { jwk: authority.clientKey.jwk as JWK & JsonWebKeyInput },
        customers,
        { maskinporten: mp.url, api: api.url, altinn: altinn.url },
        ledger,
        authority,
        clock,
        servers,
        faults,
        stats,
        (ms) => (offsetMs += ms),
      );
    } catch (error) {
      await Promise.all(servers.map((s) => s.close()));
      throw error;
    }
  }

  /** The ledgers' current date. */
  get today(): IsoDate {
    return this.ledger.today;
  }

  stats(): KobSandboxStats {
    const http = this.httpStats.snapshot();
    return {
      requests: http.requests,
      tokenRequests: this.authority.tokenRequests(),
      maxConcurrentPerParty: http.maxConcurrentPerParty,
      throttledPerParty: http.throttledPerParty,
      faultsApplied: this.faults.appliedCounts(),
    };
  }

  /** Zeroes the request, concurrency and token counters. */
  resetStats(): void {
    this.httpStats.reset();
    this.authority.resetTokenRequests();
  }

  /**
   * Moves the sandbox `days` forward: the ledgers simulate each day (new claims, payments, placements,
   * set-offs, payouts), and the authority's clock moves too, so tokens issued before expire and consents age.
   * A client must then sign grants with {@link KobSandbox.clock} (else Maskinporten sees them as expired);
   * `{ authorityClock: false }` moves the ledgers only.
   */
  advanceClock(days: number, options: { authorityClock?: boolean } = {}): void {
    this.ledger.advance(days);
    if (options.authorityClock !== false) this.moveClock(days * DAY_MS);
  }

  /** Replaces the active faults. */
  setFaults(faults: SandboxFault[]): void {
    this.faults.set(faults);
  }

  addFaults(...faults: SandboxFault[]): void {
    this.faults.add(...faults);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Faults still active. */
  activeFaults(): SandboxFault[] {
    return this.faults.list();
  }

  /** Closes the servers, their connections, held requests and timers. */
  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.close()));
  }
}

/**
 * A customer configuration with access that works: for the documented scenario 313367002, 311851381 (with an
 * `externalRef`) and 314055403 use `regnskapssystem` with a system user, 314961900 and 212201782 `finans` with
 * an Altinn 3 consent, 310478717 `finans` with a legacy Altinn 2 consent; generated customers use system users,
 * every fourth an Altinn 3 consent.
 */
function customerFor(
  p: PartyProfile,
  index: number,
  documented: boolean,
  authority: SandboxAuthority,
  ledger: SandboxLedger,
): CustomerConfig {
  const base = {
    id: `kunde-${p.partyId}`,
    organisasjonsnummer: p.partyId,
    bookingStartDate: ledger.startDate,
    ...(p.ownerPersonId === undefined ? {} : { ownerPersonId: p.ownerPersonId }),
  };
  const kind = documented
    ? (DOCUMENTED_ACCESS[p.partyId] ?? 'systembruker')
    : index % 4 === 3
      ? 'consent'
      : 'systembruker';
  switch (kind) {
    case 'consent': {
      const consent = authority.createConsent({ from: p.partyId });
      return { ...base, rettighetspakke: 'finans', access: { type: 'consent', consentId: consent.id } };
    }
    case 'altinn2-consent': {
      const consent = authority.createAltinn2Consent({ offeredBy: p.partyId });
      return {
        ...base,
        rettighetspakke: 'finans',
        access: { type: 'altinn2-consent', authorizationCode: consent.authorizationCode },
      };
    }
    case 'systembruker-external-ref': {
      const externalRef = base.id;
      authority.createSystemUser({ org: p.partyId, externalRef });
      return { ...base, rettighetspakke: 'regnskapssystem', access: { type: 'systembruker', externalRef } };
    }
    default:
      authority.createSystemUser({ org: p.partyId });
      return { ...base, rettighetspakke: 'regnskapssystem', access: { type: 'systembruker' } };
  }
}

const DOCUMENTED_ACCESS: Readonly<
  Record<string, 'systembruker' | 'systembruker-external-ref' | 'consent' | 'altinn2-consent'>
> = {
  '313367002': 'systembruker',
  '311851381': 'systembruker-external-ref',
  '314961900': 'consent',
  '314055403': 'systembruker',
  '212201782': 'consent',
  '310478717': 'altinn2-consent',
};
