import { Logger, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Agent, type Dispatcher } from 'undici';
import { createGrantSigner, type GrantSigner } from './auth/grant-signer.js';
import { MaskinportenTokenProvider } from './auth/maskinporten-token.provider.js';
import { KravOgBetalingerClient } from './api/krav-og-betalinger.client.js';
import { AccessStatusService } from './auth/access/access-status.service.js';
import { AltinnClient } from './auth/access/altinn.client.js';
import type { ResolvedKobOptions } from './config/resolved-options.interface.js';
import { createBuiltinJournal } from './journal/builtin-journal.factory.js';
import type { JournalAdapter } from './journal/journal-adapter.interface.js';
import { ReconciliationService } from './reconciliation/reconciliation.service.js';
import { createStateStore } from './store/create-state-store.js';
import type { StateStore } from './store/state-store.interface.js';
import { KOB_RESOLVED_OPTIONS } from './krav-og-betalinger.module-definition.js';

/** The undici dispatcher all of the module's HTTP goes through. @internal */
export const KOB_DISPATCHER = Symbol('kob:dispatcher');
/** The Maskinporten grant signer, built (and so checked) at start-up. @internal */
export const KOB_GRANT_SIGNER = Symbol('kob:grant-signer');

/**
 * Owns the module's undici Agent: one per module instance, closed on shutdown. A dispatcher passed in by the host
 * (`http.dispatcher`) is used as is and left open: the host owns it.
 * @internal
 */
export class KobDispatcherHolder implements OnApplicationShutdown {
  readonly dispatcher: Dispatcher;
  private readonly owned?: Agent;

  constructor(options: ResolvedKobOptions) {
    if (options.http.dispatcher) {
      this.dispatcher = options.http.dispatcher;
    } else {
      this.owned = new Agent({
        connectTimeout: options.http.connectTimeoutMs,
        headersTimeout: options.http.timeoutMs,
        bodyTimeout: options.http.timeoutMs,
        // Enough sockets for the global cap of concurrent calls to one API host.
        connections: Math.max(options.http.maxConcurrentGlobal, 10),
      });
      this.dispatcher = this.owned;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.owned?.close();
  }
}

function loggerOf(options: ResolvedKobOptions, context: string) {
  return options.logger === false ? false : (options.logger ?? new Logger(context));
}

/** The host's journal adapter (or a built-in one). @internal */
export const KOB_JOURNAL = Symbol('kob:journal');

/** The state store (sqlite by default), migrated at start-up. @internal */
export const KOB_STATE_STORE = Symbol('kob:state-store');

/**
 * Owns the state store: opened and migrated at start-up (a bad path or an unreachable database fails bootstrap),
 * closed on shutdown.
 * @internal
 */
export class KobStateStoreHolder implements OnApplicationShutdown {
  private constructor(readonly store: StateStore) {}

  static async open(options: ResolvedKobOptions): Promise<KobStateStoreHolder> {
    return new KobStateStoreHolder(await createStateStore(options.store, { clock: options.clock }));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** The providers behind tokens and API calls. @internal */
export const KOB_CLIENT_PROVIDERS: Provider[] = [
  {
    provide: KobStateStoreHolder,
    inject: [KOB_RESOLVED_OPTIONS],
    useFactory: (options: ResolvedKobOptions) => KobStateStoreHolder.open(options),
  },
  {
    provide: KOB_STATE_STORE,
    inject: [KobStateStoreHolder],
    useFactory: (holder: KobStateStoreHolder) => holder.store,
  },
  {
    provide: KobDispatcherHolder,
    inject: [KOB_RESOLVED_OPTIONS],
    useFactory: (options: ResolvedKobOptions) => new KobDispatcherHolder(options),
  },
  {
    provide: KOB_DISPATCHER,
    inject: [KobDispatcherHolder],
    useFactory: (holder: KobDispatcherHolder) => holder.dispatcher,
  },
  {
    provide: KOB_GRANT_SIGNER,
    inject: [KOB_RESOLVED_OPTIONS],
    useFactory: (options: ResolvedKobOptions) => createGrantSigner(options.maskinporten.key),
  },
  {
    provide: MaskinportenTokenProvider,
    inject: [KOB_RESOLVED_OPTIONS, KOB_GRANT_SIGNER, KOB_DISPATCHER],
    useFactory: (options: ResolvedKobOptions, signer: GrantSigner, dispatcher: Dispatcher) =>
      new MaskinportenTokenProvider({
        issuer: options.environment.maskinportenIssuer,
        clientId: options.maskinporten.clientId,
        scope: options.maskinporten.scope,
        signer,
        dispatcher,
        refreshSkewSeconds: options.maskinporten.refreshSkewSeconds,
        maxConcurrentRequests: Math.min(options.http.maxConcurrentGlobal, 50),
        clock: options.clock,
      }),
  },
  {
    provide: AltinnClient,
    inject: [KOB_RESOLVED_OPTIONS, MaskinportenTokenProvider, KOB_DISPATCHER],
    useFactory: (options: ResolvedKobOptions, tokens: MaskinportenTokenProvider, dispatcher: Dispatcher) =>
      new AltinnClient({
        altinnBaseUrl: options.environment.altinnBaseUrl,
        altinn2BaseUrl: options.environment.altinn2BaseUrl,
        altinn2ApiKey: options.altinn.altinn2ApiKey,
        tokens,
        dispatcher,
        timeoutMs: options.http.timeoutMs,
        clock: options.clock,
      }),
  },
  {
    provide: AccessStatusService,
    inject: [KOB_RESOLVED_OPTIONS, AltinnClient, MaskinportenTokenProvider, KOB_STATE_STORE],
    useFactory: (
      options: ResolvedKobOptions,
      altinn: AltinnClient,
      tokens: MaskinportenTokenProvider,
      store: StateStore,
    ) =>
      new AccessStatusService({
        altinn,
        tokens,
        store,
        ...options.altinn,
        apiScope: options.maskinporten.scope,
        clock: options.clock,
        onStateChange: options.onAccessStateChange,
        logger: loggerOf(options, AccessStatusService.name),
      }),
  },
  {
    provide: KravOgBetalingerClient,
    inject: [KOB_RESOLVED_OPTIONS, MaskinportenTokenProvider, KOB_DISPATCHER, AccessStatusService],
    useFactory: (
      options: ResolvedKobOptions,
      tokens: MaskinportenTokenProvider,
      dispatcher: Dispatcher,
      access: AccessStatusService,
    ) =>
      new KravOgBetalingerClient({
        baseUrl: options.environment.apiBaseUrl,
        tokens,
        altinn2: access,
        dispatcher,
        clock: options.clock,
        timeoutMs: options.http.timeoutMs,
        retry: { maxRetries: options.http.maxRetries },
        maxConcurrentPerParty: options.http.maxConcurrentPerParty,
        maxConcurrentGlobal: options.http.maxConcurrentGlobal,
        logger: loggerOf(options, KravOgBetalingerClient.name),
      }),
  },
  {
    provide: KOB_JOURNAL,
    inject: [KOB_RESOLVED_OPTIONS, ModuleRef],
    useFactory: async (options: ResolvedKobOptions, moduleRef: ModuleRef): Promise<JournalAdapter> => {
      const journal = options.journal;
      // A class is instantiated by Nest, so the host's adapter can inject its own services.
      if (typeof journal === 'function') return moduleRef.create(journal);
      if (journal) return journal;
      return createBuiltinJournal(options.journalBuiltin!, { clock: options.clock });
    },
  },
  {
    provide: ReconciliationService,
    inject: [KOB_RESOLVED_OPTIONS, KravOgBetalingerClient, AccessStatusService, KOB_STATE_STORE, KOB_JOURNAL],
    useFactory: (
      options: ResolvedKobOptions,
      client: KravOgBetalingerClient,
      access: AccessStatusService,
      store: StateStore,
      journal: JournalAdapter,
    ) =>
      new ReconciliationService({
        facts: client,
        access,
        store,
        journal,
        customers: options.customers,
        accounts: options.accounts,
        clock: options.clock,
        ...options.reconciliation,
        logger: loggerOf(options, ReconciliationService.name),
      }),
  },
];
