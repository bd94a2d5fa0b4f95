/** How long items live: the table's TTL attribute on write, and the filter on read. */
export class Retention {
  constructor(
    /** Undefined: forever. */
    private readonly retentionDays: number | undefined,
    /** Epoch milliseconds. */
    private readonly now: () => number,
  ) {}

  /** The `expiresAt` attribute for an item written now, in epoch seconds as DynamoDB's TTL wants. */
  stamp(): { expiresAt?: number } {
    const days = this.retentionDays;
    return days === undefined ? {} : { expiresAt: Math.floor(this.now() / 1000 + days * 86_400) };
  }

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /**
   * DynamoDB deletes expired items up to a few days late, so reads must not trust their presence.
   */
  isExpired(expiresAt: unknown): boolean {
    return typeof expiresAt === 'number' && expiresAt * 1000 <= this.now();
  }
}
