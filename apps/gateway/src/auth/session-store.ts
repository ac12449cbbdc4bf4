import { randomBytes } from 'node:crypto';

/**
 * An in-memory store of short-lived records by random id (256 bits), each with its own expiry.
 * Per gateway process: a restart or another replica does not know the id (the person signs in
 * again). At most `max` records: past that the oldest is dropped, so a flood of sign-ins cannot
 * exhaust the memory (the /auth/ routes are rate-limited as well).
 */
export class ExpiringStore<T> {
  private readonly items = new Map<string, { value: T; expiresAt: number }>();

  constructor(
    private readonly max: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores `value` until `expiresAt` (epoch ms) under a new random id, returned. */
  add(value: T, expiresAt: number): string {
    const id = randomBytes(32).toString('base64url');
    this.items.set(id, { value, expiresAt });
    while (this.items.size > this.max) this.items.delete(this.items.keys().next().value as string);
    return id;
  }

  /** The value of a live id; an expired one is dropped. */
  get(id: string | undefined): T | undefined {
    if (!id) return undefined;
    const item = this.items.get(id);
    if (!item) return undefined;
    if (item.expiresAt <= this.now()) {
      this.items.delete(id);
      return undefined;
    }
    return item.value;
  }

  /** Replaces the value and expiry of a live id. */
  set(id: string, value: T, expiresAt: number): void {
    if (this.items.has(id)) this.items.set(id, { value, expiresAt });
  }

  /** Removes an id and returns what it held. */
  take(id: string | undefined): T | undefined {
    const value = this.get(id);
    if (id) this.items.delete(id);
    return value;
  }

  /** Drops every expired record (called periodically). */
  sweep(): void {
    const now = this.now();
    for (const [id, item] of this.items) if (item.expiresAt <= now) this.items.delete(id);
  }

  get size(): number {
    return this.items.size;
  }
}
