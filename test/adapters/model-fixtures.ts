import * as z from 'zod';
import type { ModelRequest } from '../../lib/core/ports.ts';
import { defineTool } from '../../lib/core/tools.ts';

/** Real tools, so the adapters are tested with the JSON Schemas zod derives for a model. */
const lookupCustomer = defineTool({
  name: 'lookup_customer',
  description: 'Find customers by name. Read-only.',
  input: z.object({ name: z.string().min(1).describe('Full or partial name') }),
  execute: () => [],
});
const createPaymentLink = defineTool({
  name: 'create_payment_link',
  description: 'Create a payment link a customer can pay.',
  needsApproval: true,
  input: z.object({ customerId: z.string().min(1), amountUsd: z.number().positive().max(100_000) }),
  execute: () => 'created',
});

export const request: ModelRequest = {
  system: 'You are the billing agent.',
  context: '<user-message>\nBill Acme $120 for March\n</user-message>',
  tools: [lookupCustomer.spec, createPaymentLink.spec],
};

/** What the model must be shown for the tools above, written out by hand. */
export const expectedSchemas = {
  lookupCustomer: {
    type: 'object',
    properties: { name: { type: 'string', minLength: 1, description: 'Full or partial name' } },
    required: ['name'],
    additionalProperties: false,
  },
  createPaymentLink: {
    type: 'object',
    properties: {
      customerId: { type: 'string', minLength: 1 },
      amountUsd: { type: 'number', exclusiveMinimum: 0, maximum: 100_000 },
    },
    required: ['customerId', 'amountUsd'],
    additionalProperties: false,
  },
};
