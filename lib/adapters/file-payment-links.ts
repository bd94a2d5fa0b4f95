import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import {
  type NewPaymentLink,
  type PaymentLink,
  PaymentLinkSchema,
  type PaymentLinks,
} from '../agents/billing/ledger.ts';

const FileSchema = z.object({ links: z.array(PaymentLinkSchema) });

/**
 * Payment links in a JSON file (under `.threadline/` for the CLI), so the billing agent's side
 * effect is real and can be inspected after a run. Writes are atomic (write, then rename) and
 * serialised within the process; creating twice with one idempotency key returns the first link.
 */
export class FilePaymentLinks implements PaymentLinks {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly path: string) {}

  create(link: NewPaymentLink): Promise<PaymentLink> {
    const result = this.queue.then(async () => {
      const links = await this.list();
      const existing = links.find((candidate) => candidate.idempotencyKey === link.idempotencyKey);
      if (existing) return existing;
      const id = `plink_${randomBytes(6).toString('hex')}`;
      const created: PaymentLink = {
        ...link,
        id,
        url: `https://pay.example.com/${id}`,
        createdAt: new Date().toISOString(),
      };
      await this.write([...links, created]);
      return created;
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  async list(): Promise<PaymentLink[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
      throw error;
    }
    const parsed = FileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${this.path} is not a payment link file: ${parsed.error.message}`);
    return parsed.data.links;
  }

  private async write(links: PaymentLink[]): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify({ links }, null, 2)}\n`);
    await rename(temporary, this.path);
  }
}
