import { DEMO_LABEL, type DemoScript, demoDone, lastIndexOf, unfence } from '../../core/demo-script.ts';
import { customerNamedIn } from './prefetch.ts';

/** The billing scenario: look up the customer, ask which one if several match, request the link, revise it when a person names a new amount, finish. */
export const billingDemo: DemoScript = (blocks) => {
  const request = blocks.find((block) => block.tag === 'user');
  const wanted = parseRequest(unfence(request?.body ?? ''));
  if (!wanted) {
    return demoDone(
      'I am the offline demo model and only understand requests like "create a $750 sponsorship link for Terri". Set THREADLINE_MODEL to use a real model.',
    );
  }
  const lookup = lastIndexOf(blocks, 'lookup_customer');
  if (lookup < 0) return ['lookup_customer', { name: wanted.name }];
  const customers = parseCustomers(blocks[lookup + 1]?.body ?? '');
  if (customers.length === 0)
    return demoDone(`No customer matches "${wanted.name}", so no link was created.`);

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
      return demoDone(`"${unfence(answer.body)}" names none of the customers I found, so I stopped.`);
  }

  const create = lastIndexOf(blocks, 'create_payment_link');
  const link = { customerId: customer.id, description: `${wanted.purpose} for ${customer.name}` };
  if (create < 0) return ['create_payment_link', { ...link, amountUsd: wanted.amountUsd }];
  const after = blocks.slice(create + 1);
  const result = after.find((block) => block.tag === 'result');
  if (result) {
    const url = /url: (\S+)/.exec(result.body)?.[1] ?? '(no url)';
    return demoDone(`Created a payment link for ${customer.name}: ${url}`);
  }
  const decision = after.find((block) => block.tag === 'approval' && block.body.length > 0)?.body ?? '';
  const error = after.find((block) => block.tag === 'error');
  if (error) return demoDone(`The link could not be created: ${error.body}`);
  if (decision.startsWith('nobody decided')) return demoDone('The approval expired, so no link was created.');
  const feedback = /feedback: ([\s\S]*)/.exec(decision)?.[1]?.trim() ?? '';
  const revised = parseAmount(feedback);
  const triedAmounts = blocks
    .filter((block) => block.tag === 'create_payment_link')
    .map((block) => parseAmount(`$${/amountUsd: ([\d.]+)/.exec(block.body)?.[1] ?? ''}`));
  if (revised !== undefined && !triedAmounts.includes(revised)) {
    return ['create_payment_link', { ...link, amountUsd: revised }];
  }
  return demoDone(`No link was created: the request was rejected${feedback ? ` ("${feedback}")` : ''}.`);
};

const parseRequest = (text: string): { name: string; amountUsd: number; purpose: string } | undefined => {
  const amountUsd = parseAmount(text);
  const name = customerNamedIn(text);
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
