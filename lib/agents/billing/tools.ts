import * as z from 'zod';
import { defineTool, type Tool } from '../../core/tools.ts';
import type { CustomerDirectory, PaymentLinks } from './ledger.ts';

export interface BillingDeps {
  customers: CustomerDirectory;
  paymentLinks: PaymentLinks;
}

export const createBillingTools = (deps: BillingDeps): Tool[] => [
  defineTool({
    name: 'lookup_customer',
    description: 'Find customers by name. Read-only.',
    readOnly: true,
    input: z.object({ name: z.string().min(1).describe('Full or partial name') }),
    execute: async ({ name }) => {
      const customers = await deps.customers.find(name);
      return customers.length > 0 ? customers : `no customer matches "${name}"`;
    },
  }),
  defineTool({
    name: 'create_payment_link',
    description: 'Create a payment link a customer can pay. Moves money: a person approves it first.',
    needsApproval: true,
    uses: { ledger: 'readWrite' },
    input: z.object({
      customerId: z.string().min(1),
      amountUsd: z.number().positive().max(100_000),
      description: z.string().min(1).max(200),
    }),
    execute: async ({ customerId, amountUsd, description }, { callId }) => {
      const customer = await deps.customers.get(customerId);
      if (!customer) throw new Error(`no customer has id ${customerId}`);
      const link = await deps.paymentLinks.create({
        customerId,
        amountCents: Math.round(amountUsd * 100),
        currency: 'usd',
        description,
        idempotencyKey: callId,
      });
      return { url: link.url, amountUsd: link.amountCents / 100, customer: customer.name };
    },
  }),
];
