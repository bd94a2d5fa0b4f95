/**
 * Recently read payload bodies, bounded by size. Payload keys are content-addressed, so a cached
 * body can never be stale: no invalidation is needed. Rebuilding a summary rereads the whole
 * thread, and without this every append would fetch each large tool result again.
 */
export class PayloadCache {
  private readonly bodies = new Map<string, string>();
  private heldBytes = 0;

  constructor(private readonly maxBytes: number) {}

  async read(key: string, load: () => Promise<string>): Promise<string> {
    const cached = this.bodies.get(key);
    if (cached !== undefined) {
      // Refresh its place: Map keeps insertion order, so the first entry is the least recently used.
      this.bodies.delete(key);
      this.bodies.set(key, cached);
      return cached;
    }
    const body = await load();
    this.remember(key, body);
    return body;
  }

  private remember(key: string, body: string): void {
    if (body.length > this.maxBytes || this.bodies.has(key)) return;
    this.bodies.set(key, body);
    this.heldBytes += body.length;
    for (const [oldest, oldBody] of this.bodies) {
      if (this.heldBytes <= this.maxBytes) break;
      this.bodies.delete(oldest);
      this.heldBytes -= oldBody.length;
    }
  }
}
