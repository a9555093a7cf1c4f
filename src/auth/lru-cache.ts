/** A small LRU map: reads refresh recency; inserting past `maxSize` evicts the least recently used entry. */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly maxSize: number) {
    if (!Number.isSafeInteger(maxSize) || maxSize < 1)
      throw new RangeError('LRU size must be a positive integer');
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    // Map keeps insertion order: re-inserting moves the key to the most recent end.
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.maxSize) {
      const oldest = this.map.keys().next().value as K;
      this.map.delete(oldest);
    }
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}
