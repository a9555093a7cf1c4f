import { addYears, isIsoDate } from '../../../domain/dates.js';
import { partyKind } from '../../../domain/identifiers.js';
import type { ApiCallAuthorization, ApiCallAuthorizationInput } from '../authority/authority.types.js';
import type { SandboxRequest, SandboxResponse, SandboxRoute } from '../http/http.types.js';
import type { ClosedPeriod } from '../ledger/ledger-queries.js';
import type { SandboxLedger } from '../ledger/sandbox-ledger.js';
import type { SandboxServerOptions } from '../http/sandbox-server.js';
import { negotiateFormat } from './accept.js';
import { THROTTLED_CODE, kbError } from './kob-errors.js';
import type { ErrorFormat, KbErrorCode } from './kob-errors.js';
import { claimsBody, openClaimsBody, paymentsBody, payoutsBody } from './wire-serialiser.js';
import type { WireOptions } from './wire-serialiser.js';
import { sealJson } from '../http/json-writer.js';
import {
  claimsBody2023,
  openClaimsBody2023,
  paymentsBody2023,
  payoutsBody2023,
} from './wire-serialiser-2023.js';

/** The four endpoints. @publicApi */
export type KobEndpoint = 'aapnekrav' | 'krav' | 'innbetalinger' | 'utbetalinger';
/** @publicApi */
export const KOB_ENDPOINTS: readonly KobEndpoint[] = ['aapnekrav', 'krav', 'innbetalinger', 'utbetalinger'];

/** Both host styles: the API gateway's `/v1/…` and the old `/api/innkreving/kravogbetalinger/v1/…` (§2). @publicApi */
export const API_PATH_PREFIXES = ['/v1', '/api/innkreving/kravogbetalinger/v1'] as const;

/** @publicApi */
export interface KobApiRouteOptions {
  ledger: SandboxLedger;
  /** The access decision (the sandbox authority's `authorizeApiCall`). */
  authorize: (input: ApiCallAuthorizationInput) => Promise<ApiCallAuthorization>;
  wire: WireOptions;
}

/**
 * Routes of the Krav og betalinger API, named `api.<endpoint>` for statistics and faults, on both URL styles.
 * Checks, in order: rights package (KB-003), `Accept` (KB-008), token and consent or system user (KB-004,
 * KB-005; a malformed party id gives KB-006 instead of KB-005), party id and period (KB-006), known party
 * (KB-009), data in the period (KB-007; `aapnekrav` always answers 200 for a known party). Errors are served as
 * JSON, or in the documented XML error form for `Accept: application/xml`; successful XML bodies are not
 * implemented and answer KB-008 (in XML).
 * @publicApi
 */
export function kobApiRoutes(options: KobApiRouteOptions): SandboxRoute[] {
  const routes: SandboxRoute[] = [];
  const bodies = new BodyCache(options.ledger);
  for (const endpoint of KOB_ENDPOINTS) {
    for (const prefix of API_PATH_PREFIXES) {
      routes.push({
        name: `api.${endpoint}`,
        method: 'GET',
        pattern: `${prefix}/:pakke/:part/${endpoint}`,
        partyParam: 'part',
        handler: (req) => handle(endpoint, req, options, bodies),
      });
    }
  }
  return routes;
}

/** Cached "no data in the period" (KB-007), whose error body is written per request (correlation id). */
const NO_DATA = null;

/**
 * Successful bodies by endpoint, party and period, kept while the ledger stays at one revision: a body is a
 * pure function of those, so the same request gets the same (sealed, see sealJson) tree and bytes without
 * querying and writing again. Bodies are shared between requests: callers of the handlers must not change
 * them. At most `maxBytes` of JSON is kept; past that the cache starts over.
 */
class BodyCache {
  private readonly bodies = new Map<string, object | typeof NO_DATA>();
  private revision: number;
  private bytes = 0;

  constructor(
    private readonly ledger: SandboxLedger,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {
    this.revision = ledger.revision;
  }

  /** The body for `key` (or NO_DATA), building and keeping it with `build` when not kept yet. */
  get(key: string, build: () => object | typeof NO_DATA): object | typeof NO_DATA {
    if (this.ledger.revision !== this.revision) this.clear();
    let body = this.bodies.get(key);
    if (body === undefined) {
      body = build();
      const size = body === NO_DATA ? 0 : sealJson(body).length;
      if (this.bytes + size > this.maxBytes) this.clear();
      this.bodies.set(key, body);
      this.bytes += size;
    }
    return body;
  }

  private clear(): void {
    this.bodies.clear();
    this.bytes = 0;
    this.revision = this.ledger.revision;
  }
}

/**
 * Server hooks that answer unknown URLs, throttling, injected faults and crashes in the API's error format.
 * @publicApi
 */
export function kobApiServerHooks(): Pick<
  SandboxServerOptions,
  'notFound' | 'throttled' | 'faultResponse' | 'errorResponse'
> {
  return {
    notFound: (req) => kbError(req, 'KB-003', { format: errorFormat(req) }),
    throttled: (req) =>
      kbError(req, THROTTLED_CODE, {
        status: 429,
        melding: 'For mange samtidige kall for parten (maks 5). Prøv igjen senere.',
        format: errorFormat(req),
        headers: { 'retry-after': '1' },
      }),
    faultResponse: (req, fault) => {
      const kode =
        fault.kode ?? (fault.status === 429 ? THROTTLED_CODE : fault.status > 500 ? 'KB-002' : 'KB-001');
      const headers: Record<string, string> = {};
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      if (fault.body !== undefined) return { status: fault.status, headers, body: fault.body };
      return kbError(req, kode, {
        status: fault.status,
        melding: fault.melding,
        format: errorFormat(req),
        headers,
      });
    },
    errorResponse: (req) => kbError(req, 'KB-001', { format: errorFormat(req) }),
  };
}

function errorFormat(req: SandboxRequest): ErrorFormat {
  return negotiateFormat(req.headers.accept) === 'xml' ? 'xml' : 'json';
}

async function handle(
  endpoint: KobEndpoint,
  req: SandboxRequest,
  o: KobApiRouteOptions,
  bodies: BodyCache,
): Promise<SandboxResponse> {
  const { pakke, part } = req.params;
  if (pakke !== 'finans' && pakke !== 'regnskapssystem')
    return kbError(req, 'KB-003', { format: errorFormat(req) });
  const format = negotiateFormat(req.headers.accept);
  if (format === undefined) return kbError(req, 'KB-008');
  const fail = (kode: KbErrorCode, melding?: string): SandboxResponse =>
    kbError(req, kode, { melding, format });

  const validParty = partyKind(part) !== 'unknown';
  const access = await o.authorize({
    authorization: header(req, 'authorization'),
    altinnSamtykke: header(req, 'altinnsamtykke'),
    partyId: part,
    rightsPackage: pakke,
  });
  if (!access.ok) {
    if (access.status === 403 && !validParty) return fail('KB-006', 'Ugyldig partIdentifikator.');
    return fail(access.kode, access.melding);
  }
  if (!validParty) return fail('KB-006', 'Ugyldig partIdentifikator.');

  let window: ClosedPeriod | undefined;
  if (endpoint !== 'aapnekrav') {
    const parsed = parsePeriod(req, o.ledger.today);
    if (typeof parsed === 'string') return fail('KB-006', parsed);
    window = parsed;
  }
  if (!o.ledger.hasParty(part)) return fail('KB-009');
  if (format === 'xml') return fail('KB-008', 'Sandkassen leverer bare JSON for svar uten feil.');

  const key = `${endpoint} ${part} ${window?.from} ${window?.to}`;
  const body = bodies.get(key, () => buildBody(endpoint, part, window, o));
  return body === NO_DATA ? fail('KB-007') : { status: 200, body };
}

/** The successful body of a call, or NO_DATA when a period endpoint has nothing in the window. */
function buildBody(
  endpoint: KobEndpoint,
  part: string,
  window: ClosedPeriod | undefined,
  o: KobApiRouteOptions,
): object | typeof NO_DATA {
  const wire = o.wire;
  const old = wire.format === '2023-03';
  switch (endpoint) {
    case 'aapnekrav': {
      const r = o.ledger.openClaims(part)!;
      return old ? openClaimsBody2023(r, wire) : openClaimsBody(r, wire);
    }
    case 'krav': {
      const r = o.ledger.claims(part, window!)!;
      if (r.claims.length === 0) return NO_DATA;
      return old ? claimsBody2023(r, wire) : claimsBody(r, wire);
    }
    case 'innbetalinger': {
      const r = o.ledger.payments(part, window!)!;
      if (r.payments.length === 0) return NO_DATA;
      return old ? paymentsBody2023(r, wire) : paymentsBody(r, wire);
    }
    case 'utbetalinger': {
      const r = o.ledger.payouts(part, window!)!;
      if (r.payouts.length === 0) return NO_DATA;
      return old ? payoutsBody2023(r) : payoutsBody(r, wire);
    }
  }
}

function header(req: SandboxRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * `fraOgMed` (required) and `tilOgMed` (default: the ledger's today), both real `YYYY-MM-DD` dates,
 * `fraOgMed` <= `tilOgMed`, and at most one year: `tilOgMed` no later than the same date a year after
 * `fraOgMed` (so `2022-01-01`..`2023-01-01`, as in the documentation's examples, is accepted). Returns the
 * period or a message for KB-006.
 */
export function parsePeriod(req: SandboxRequest, today: string): ClosedPeriod | string {
  const from = req.url.searchParams.get('fraOgMed');
  const to = req.url.searchParams.get('tilOgMed') ?? today;
  if (from === null || from === '') return 'fraOgMed mangler.';
  if (!isIsoDate(from)) return 'fraOgMed er ikke en gyldig dato (ÅÅÅÅ-MM-DD).';
  if (!isIsoDate(to)) return 'tilOgMed er ikke en gyldig dato (ÅÅÅÅ-MM-DD).';
  if (from > to) return 'fraOgMed er etter tilOgMed.';
  if (to > addYears(from, 1)) return 'Perioden kan være maks ett år.';
  return { from, to };
}
