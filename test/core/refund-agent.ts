import * as z from 'zod';
import { ScriptedModel } from '../../lib/adapters/scripted-model.ts';
import { type Agent, type AgentLimits, defineAgent } from '../../lib/core/agent.ts';
import type { Model } from '../../lib/core/ports.ts';
import type { Price } from '../../lib/core/pricing.ts';
import type { StepDeps } from '../../lib/core/step.ts';
import { defineTool, type Tool } from '../../lib/core/tools.ts';
import { FixedClock } from '../fakes/fixed-clock.ts';
import { SequentialIds } from '../fakes/sequential-ids.ts';

/** A refund the agent's gated tool made, as the tool saw it. */
export interface Refund {
  invoiceId: string;
  amountEur: number;
  callId: string;
}

export interface RefundAgent {
  agent: Agent;
  /** Every refund `create_refund` executed, in order. */
  refunds: Refund[];
}

export const INVOICE = { invoiceId: 'INV-1001', customer: 'Ada Lovelace', amountEur: 120, status: 'paid' };

/**
 * The agent the core tests run: one read-only tool and one that moves money behind an approval.
 * Small on purpose, so a rendered thread or a recorded request stays readable in a snapshot.
 */
export const createRefundAgent = (
  options: { limits?: Partial<AgentLimits>; prices?: Record<string, Price>; tools?: Tool[] } = {},
): RefundAgent => {
  const refunds: Refund[] = [];
  const lookupInvoice = defineTool({
    name: 'lookup_invoice',
    description: 'Find an invoice by its number. Read-only.',
    input: z.object({ invoiceId: z.string().min(1).describe('Invoice number, e.g. INV-1001') }),
    execute: ({ invoiceId }) => ({ ...INVOICE, invoiceId }),
  });
  const createRefund = defineTool({
    name: 'create_refund',
    description: 'Refund part or all of an invoice. Moves money: a person approves it first.',
    needsApproval: true,
    input: z.object({ invoiceId: z.string().min(1), amountEur: z.number().positive() }),
    execute: ({ invoiceId, amountEur }, { callId }) => {
      refunds.push({ invoiceId, amountEur, callId });
      return { refunded: amountEur, invoiceId };
    },
  });
  const agent = defineAgent({
    name: 'refunds',
    description: 'Looks up invoices and refunds them once a person approves.',
    prompt: ({ agent: name, now, tools }) => `You are ${name}. It is ${now}. Tools: ${tools.join(', ')}.`,
    tools: options.tools ?? [lookupInvoice, createRefund],
    limits: options.limits,
    prices: options.prices,
  });
  return { agent, refunds };
};

/**
 * Deps for `step`, `runTool` and `decideApproval`: a clock and ids that read in order, and a
 * model that fails loudly if it is asked anything nobody scripted.
 */
export const fakeDeps = (model: Model = new ScriptedModel([])): StepDeps => ({
  model,
  clock: new FixedClock(),
  ids: new SequentialIds(),
});

/** Freezes a value and everything it holds, so any write to it throws in strict mode. */
export const deepFreeze = <T>(value: T): T => {
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
};
