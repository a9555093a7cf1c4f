import type { AccessState } from './access-state.model.js';

/**
 * Where access states (one per customer) and feed cursors live. Small and async so durable stores (sqlite,
 * postgres) can implement it. Implementations must return copies or treat stored values as immutable.
 * @publicApi
 */
export interface AccessStateStore {
  get(customerId: string): Promise<AccessState | undefined>;
  put(state: AccessState): Promise<void>;
  list(): Promise<AccessState[]>;
  /** A named cursor, e.g. the consent events feed's continuation token. */
  getCursor(name: string): Promise<string | undefined>;
  putCursor(name: string, value: string): Promise<void>;
}

/**
 * An {@link AccessStateStore} in memory: for tests, demos and hosts that re-check access at start-up. States are
 * copied in and out, so callers cannot change what is stored.
 * @publicApi
 */
export class InMemoryAccessStateStore implements AccessStateStore {
  private readonly states = new Map<string, AccessState>();
  private readonly cursors = new Map<string, string>();

  async get(customerId: string): Promise<AccessState | undefined> {
    const state = this.states.get(customerId);
    return state && { ...state };
  }

  async put(state: AccessState): Promise<void> {
    this.states.set(state.customerId, { ...state });
  }

  async list(): Promise<AccessState[]> {
    return [...this.states.values()].map((s) => ({ ...s }));
  }

  async getCursor(name: string): Promise<string | undefined> {
    return this.cursors.get(name);
  }

  async putCursor(name: string, value: string): Promise<void> {
    this.cursors.set(name, value);
  }
}
