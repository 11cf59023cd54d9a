/**
 * A small bounded cache for recipes and plans (pure data keyed by strings). Eviction is
 * first-in-first-out: a hit is one Map lookup, which keeps cached calls cheap.
 */
export class BoundedCache<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }
}
