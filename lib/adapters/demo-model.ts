import { estimateTokens } from '../core/context.ts';
import type { Model, ModelReply, ModelRequest } from '../core/ports.ts';

export const DEMO_MODEL_ID = 'demo';

/** Every text the demo model writes starts with this, so nobody mistakes it for a real model. */
export const DEMO_LABEL = '[demo model]';

interface Block {
  tag: string;
  body: string;
}

// A self-closing tag first, so that `<approval status="pending"/>` never opens a block.
const BLOCK = /<([a-z_-]+)(?:\s[^>]*)?\/>|<([a-z_-]+)(?:\s[^>]*)?>([\s\S]*?)<\/\2>/g;

/**
 * A deterministic stand-in for a language model, so the example agent runs offline. It reads
 * the same rendered context a real model would and drives the billing scenario: look up the
 * customer, ask which one if the name is ambiguous, request the link, revise it if a person
 * names a new amount in their feedback, and finish.
 */
export class DemoModel implements Model {
  readonly id = DEMO_MODEL_ID;

  async next(request: ModelRequest): Promise<ModelReply> {
    const blocks = parseBlocks(request.context);
    const delegate = request.tools.find((tool) => tool.name.startsWith('delegate_to_'));
    const [tool, args] = delegate ? handOver(blocks, delegate.name) : decide(blocks);
    const argsJson = JSON.stringify(args);
    return {
      tool,
      argsJson,
      stopReason: 'tool_use',
      usage: {
        inputTokens: estimateTokens(request.system + request.context + JSON.stringify(request.tools)),
        outputTokens: estimateTokens(tool + argsJson),
      },
      model: DEMO_MODEL_ID,
    };
  }
}

const parseBlocks = (context: string): Block[] =>
  [...context.matchAll(BLOCK)].map((match) => ({ tag: match[1] ?? match[2] ?? '', body: match[3] ?? '' }));

type Call = [tool: string, args: Record<string, string | number>];

const done = (message: string): Call => ['done_for_now', { message: `${DEMO_LABEL} ${message}` }];

/** An agent that delegates (triage): hand the request over whole, then report what came back. */
const handOver = (blocks: Block[], tool: string): Call => {
  const request = unfence(blocks.find((block) => block.tag === 'user')?.body ?? '');
  const handed = lastIndexOf(blocks, tool);
  if (handed < 0) return [tool, { task: request }];
  const result = blocks.slice(handed + 1).find((block) => block.tag === 'result');
  return done(
    `Handed to the ${tool.replace('delegate_to_', '')} agent, which answered: ${result?.body ?? '(nothing)'}`,
  );
};

const decide = (blocks: Block[]): Call => {
  const request = blocks.find((block) => block.tag === 'user');
  const wanted = parseRequest(unfence(request?.body ?? ''));
  if (!wanted) {
    return done(
      'I am the offline demo model and only understand requests like "create a $750 sponsorship link for Terri". Set THREADLINE_MODEL to use a real model.',
    );
  }
  const lookup = lastIndexOf(blocks, 'lookup_customer');
  if (lookup < 0) return ['lookup_customer', { name: wanted.name }];
  const customers = parseCustomers(blocks[lookup + 1]?.body ?? '');
  if (customers.length === 0) return done(`No customer matches "${wanted.name}", so no link was created.`);

  let customer = customers.length === 1 ? customers[0] : undefined;
  if (!customer) {
    const answer = blocks.slice(lookup).find((block) => block.tag === 'human');
    if (!answer) {
      const names = customers.map((candidate) => candidate.name).join(' or ');
      return ['request_human_input', { question: `${DEMO_LABEL} Which customer do you mean: ${names}?` }];
    }
    const words = unfence(answer.body).toLowerCase();
    customer = customers.find((candidate) =>
      words.includes(candidate.name.toLowerCase().split(' ').at(-1) ?? ''),
    );
    if (!customer)
      return done(`"${unfence(answer.body)}" names none of the customers I found, so I stopped.`);
  }

  const create = lastIndexOf(blocks, 'create_payment_link');
  const link = { customerId: customer.id, description: `${wanted.purpose} for ${customer.name}` };
  if (create < 0) return ['create_payment_link', { ...link, amountUsd: wanted.amountUsd }];
  const after = blocks.slice(create + 1);
  const result = after.find((block) => block.tag === 'result');
  if (result) {
    const url = /url: (\S+)/.exec(result.body)?.[1] ?? '(no url)';
    return done(`Created a payment link for ${customer.name}: ${url}`);
  }
  const decision = after.find((block) => block.tag === 'approval' && block.body.length > 0)?.body ?? '';
  const error = after.find((block) => block.tag === 'error');
  if (error) return done(`The link could not be created: ${error.body}`);
  if (decision.startsWith('nobody decided')) return done('The approval expired, so no link was created.');
  const feedback = /feedback: ([\s\S]*)/.exec(decision)?.[1]?.trim() ?? '';
  const revised = parseAmount(feedback);
  const triedAmounts = blocks
    .filter((block) => block.tag === 'create_payment_link')
    .map((block) => parseAmount(`$${/amountUsd: ([\d.]+)/.exec(block.body)?.[1] ?? ''}`));
  if (revised !== undefined && !triedAmounts.includes(revised)) {
    return ['create_payment_link', { ...link, amountUsd: revised }];
  }
  return done(`No link was created: the request was rejected${feedback ? ` ("${feedback}")` : ''}.`);
};

const parseRequest = (text: string): { name: string; amountUsd: number; purpose: string } | undefined => {
  const amountUsd = parseAmount(text);
  const name = /\bfor\s+([A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?)/.exec(text)?.[1];
  if (amountUsd === undefined || !name) return undefined;
  const purpose = /\$[\d,.]+\s+([a-z]+)\s+(?:payment\s+)?link/i.exec(text)?.[1] ?? 'payment';
  return { name, amountUsd, purpose };
};

const parseAmount = (text: string): number | undefined => {
  const match = /\$\s?([\d,]+(?:\.\d+)?)/.exec(text);
  const amount = match ? Number(match[1]?.replaceAll(',', '')) : Number.NaN;
  return Number.isFinite(amount) && amount > 0 ? amount : undefined;
};

const parseCustomers = (body: string): { id: string; name: string }[] =>
  [...body.matchAll(/id: (\S+)\n\s*name: (.+)/g)].map((match) => ({
    id: match[1] ?? '',
    name: match[2]?.trim() ?? '',
  }));

const lastIndexOf = (blocks: Block[], tag: string): number =>
  blocks.findLastIndex((block) => block.tag === tag);

const unfence = (body: string): string => body.replace(/<data untrusted>\n?|\n?<\/data>/g, '').trim();
