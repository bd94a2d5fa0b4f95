import * as z from 'zod';

export const CustomerSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
});
export type Customer = z.infer<typeof CustomerSchema>;

export const PaymentLinkSchema = z.object({
  id: z.string(),
  url: z.string(),
  customerId: z.string(),
  amountCents: z.number().int().positive(),
  currency: z.literal('usd'),
  description: z.string(),
  /** The tool call that created the link: creating twice with one key returns the first link. */
  idempotencyKey: z.string(),
  createdAt: z.string(),
});
export type PaymentLink = z.infer<typeof PaymentLinkSchema>;

export type NewPaymentLink = Omit<PaymentLink, 'id' | 'url' | 'createdAt'>;

/** Read-only customer records. */
export interface CustomerDirectory {
  find(name: string): Promise<Customer[]>;
  get(id: string): Promise<Customer | undefined>;
}

/** Where payment links are written: the billing agent's one side effect. */
export interface PaymentLinks {
  create(link: NewPaymentLink): Promise<PaymentLink>;
  list(): Promise<PaymentLink[]>;
}

/** The demo's customers: one Terri, and two Sams so the agent has someone to ask about. */
export const DEMO_CUSTOMERS: readonly Customer[] = [
  { id: 'cus_terri', name: 'Terri Jackson', email: 'terri@example.com' },
  { id: 'cus_sam_lee', name: 'Sam Lee', email: 'sam.lee@example.com' },
  { id: 'cus_sam_ortiz', name: 'Sam Ortiz', email: 'sam.ortiz@example.org' },
  { id: 'cus_priya', name: 'Priya Raman', email: 'priya@example.net' },
];

export const createStaticDirectory = (
  customers: readonly Customer[] = DEMO_CUSTOMERS,
): CustomerDirectory => ({
  find: async (name) => {
    const words = name.toLowerCase().split(/\s+/).filter(Boolean);
    return customers.filter((customer) => words.every((word) => customer.name.toLowerCase().includes(word)));
  },
  get: async (id) => customers.find((customer) => customer.id === id),
});
