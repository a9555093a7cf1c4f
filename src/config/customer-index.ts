import type { CustomerConfig } from './module-options.interface.js';

/**
 * Finds a customer of the host's array by id without scanning it: a run of each of N customers would otherwise
 * cost N²/2 comparisons. The array stays the host's: a hit is checked against the element now at its position,
 * and a miss or a stale hit re-indexes it, so customers pushed, replaced or removed later are seen as a scan
 * would see them (the first customer with the id).
 * @internal
 */
export class CustomerIndex {
  private positions = new Map<string, number>();

  constructor(private readonly customers: readonly CustomerConfig[]) {}

  get(id: string): CustomerConfig | undefined {
    const hit = this.at(id);
    if (hit !== undefined) return hit;
    this.positions = new Map();
    for (let i = this.customers.length - 1; i >= 0; i--) {
      const customer = this.customers[i];
      if (customer !== undefined) this.positions.set(customer.id, i);
    }
    return this.at(id);
  }

  private at(id: string): CustomerConfig | undefined {
    const i = this.positions.get(id);
    const customer = i === undefined ? undefined : this.customers[i];
    return customer?.id === id ? customer : undefined;
  }
}
