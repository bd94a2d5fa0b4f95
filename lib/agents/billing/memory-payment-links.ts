import type { NewPaymentLink, PaymentLink, PaymentLinks } from './ledger.ts';

/** Payment links kept in memory, idempotent by key, for tests and throwaway runs. */
export class InMemoryPaymentLinks implements PaymentLinks {
  private readonly links = new Map<string, PaymentLink>();

  constructor(private readonly now: () => string = () => new Date().toISOString()) {}

  async create(link: NewPaymentLink): Promise<PaymentLink> {
    const existing = this.links.get(link.idempotencyKey);
    if (existing) return existing;
    const id = `plink_${this.links.size + 1}`;
    const created: PaymentLink = { ...link, id, url: `https://pay.example.com/${id}`, createdAt: this.now() };
    this.links.set(link.idempotencyKey, created);
    return created;
  }

  async list(): Promise<PaymentLink[]> {
    return [...this.links.values()];
  }
}
