import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../lambdas/inbound-email.ts';
import { silentTelemetry } from '../../lambdas/telemetry.ts';
import { type IngressMessage, IngressMessageSchema } from '../../lib/adapters/ingress-message.ts';
import { parseMail } from '../../lib/adapters/mime-mail.ts';
import { RawMailNotFoundError } from '../../lib/adapters/s3-raw-mail.ts';
import { checkReferenceWith } from '../lambdas/support.ts';
import { APPROVER, createHarness, modelStep, userMessage } from '../service/harness.ts';
import { checkProperty, propertyTimeout } from './property-runs.ts';
import { createRecorder } from './record.ts';

const recorder = createRecorder('inbound mail');
afterAll(() => recorder.flush());

const FIXTURES = new URL('../fixtures/', import.meta.url);
const sesFixtures = readdirSync(new URL('ses/', FIXTURES)).map(
  (name) => JSON.parse(readFileSync(new URL(`ses/${name}`, FIXTURES), 'utf8')) as unknown,
);
const mimeFixtures = new Map(
  readdirSync(new URL('mime/', FIXTURES)).map((name) => [
    name.replace(/\.eml$/, ''),
    new Uint8Array(readFileSync(new URL(`mime/${name}`, FIXTURES))),
  ]),
);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value inside `value`. */
const pathsOf = (value: Json, prefix: (string | number)[] = []): (string | number)[][] => {
  const here = [prefix];
  if (Array.isArray(value))
    return [...here, ...value.flatMap((item, index) => pathsOf(item, [...prefix, index]))];
  if (value !== null && typeof value === 'object')
    return [...here, ...Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...prefix, key]))];
  return here;
};

type Mutation = { pick: number; kind: 'replace' | 'delete' | 'string'; value: Json; text: string };

/** A copy of `value` with the value at one path replaced, turned into other text, or removed. */
const mutate = (value: Json, mutation: Mutation): Json => {
  const paths = pathsOf(value).filter((path) => path.length > 0);
  if (paths.length === 0) return mutation.value;
  const path = paths[mutation.pick % paths.length]!;
  const copy = structuredClone(value);
  let parent: Json = copy;
  for (const step of path.slice(0, -1)) parent = (parent as Record<string | number, Json>)[step]!;
  const last = path.at(-1)!;
  const container = parent as Record<string | number, Json>;
  if (mutation.kind === 'delete') {
    if (Array.isArray(container)) container.splice(Number(last), 1);
    else delete container[last];
  } else if (mutation.kind === 'string' && typeof container[last] === 'string') {
    container[last] = mutation.text;
  } else {
    container[last] = mutation.value;
  }
  return copy;
};

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  kind: fc.constantFrom('replace', 'delete', 'string', 'string'),
  value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  text: fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.constantFrom(
      'reply+th-1@in.example.com',
      'billing@in.example.com',
      'FAIL',
      'PASS',
      'approver@example.com',
      `reply+${'x'.repeat(70)}@in.example.com`,
    ),
  ),
});

/** Byte-level damage to a mail: flips, cuts, and inserted text. */
const bytesMutationArb = fc.record({
  cut: fc.option(fc.nat(), { nil: undefined }),
  flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
  insert: fc.option(fc.tuple(fc.nat(), fc.string({ maxLength: 200 })), { nil: undefined }),
});
type Damage = { cut: number | undefined; flips: [number, number][]; insert: [number, string] | undefined };
const damage = (raw: Uint8Array, change: Damage) => {
  let bytes = Buffer.from(raw);
  for (const [at, value] of change.flips) if (bytes.length > 0) bytes[at % bytes.length] = value;
  if (change.insert) {
    const at = change.insert[0] % (bytes.length + 1);
    bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(change.insert[1]), bytes.subarray(at)]);
  }
  if (change.cut !== undefined) bytes = bytes.subarray(0, change.cut % (bytes.length + 1));
  return new Uint8Array(bytes);
};

describe('MIME parsing under arbitrary bytes', () => {
  it(
    'parseMail never crashes on arbitrary bytes or damaged fixtures',
    async () => {
      const rawArb = fc.oneof(
        fc.uint8Array({ maxLength: 2000 }),
        fc.string({ maxLength: 2000 }).map((text) => new TextEncoder().encode(text)),
        fc
          .tuple(fc.constantFrom(...mimeFixtures.values()), bytesMutationArb)
          .map(([raw, change]) => damage(raw, change)),
      );
      const tried = await checkProperty(
        fc.asyncProperty(rawArb, async (raw) => {
          const mail = await parseMail(raw);
          expect(typeof mail.text).toBe('string');
          expect(Array.isArray(mail.references)).toBe(true);
        }),
        200,
      );
      recorder.record('parseMail on arbitrary bytes and damaged fixtures', {
        edge: 'MIME mail',
        inputsTried: tried,
        eventsLost: 0,
        eventsDuplicated: 0,
      });
    },
    propertyTimeout(),
  );
});

describe('the inbound-email handler under mutated SES receipt events', () => {
  it(
    'queues at most one valid ingress message per mail, or throws only a clear error',
    async () => {
      const outcomes: Record<string, number> = {};
      const tried = await checkProperty(
        fc.asyncProperty(
          fc.constantFrom(...sesFixtures),
          fc.array(mutationArb, { minLength: 0, maxLength: 3 }),
          fc.option(bytesMutationArb, { nil: undefined }),
          async (fixture, mutations, mailDamage) => {
            const harness = createHarness();
            await harness.thread('th-1', [
              userMessage('Send Sam a link'),
              modelStep('create_refund', { invoiceId: 'INV-1', amountEur: 5 }),
            ]);
            const sent: IngressMessage[] = [];
            const handler = createHandler({
              inbound: {
                rawMail: {
                  read: async (messageId) => {
                    const raw = mimeFixtures.get(messageId);
                    if (!raw) throw new RawMailNotFoundError(`mail/${messageId}`);
                    return mailDamage ? damage(raw, mailDamage) : raw;
                  },
                },
                // The SQS adapter parses what it sends: a message ingest would refuse fails here.
                ingress: { send: async (message) => void sent.push(IngressMessageSchema.parse(message)) },
                store: harness.store,
                agentsByRecipient: new Map([['billing@in.example.com', 'refunds']]),
                inboundDomain: 'in.example.com',
                agents: harness.deps.agents,
                people: {
                  ...harness.deps,
                  approvers: [APPROVER, 'approver@example.com'],
                  allowedSenders: ['@example.org', '@example.com'],
                },
                checkReference: checkReferenceWith(harness.clock),
              },
              telemetry: silentTelemetry(),
            });
            const event = mutations.reduce<Json>(
              (value, mutation) => mutate(value, mutation),
              fixture as Json,
            );
            let outcome: string;
            try {
              await handler(event);
              outcome = sent.length === 0 ? 'dropped' : `queued-${sent[0]!.kind}`;
            } catch (error) {
              const name = error instanceof Error ? error.name : typeof error;
              expect(['InvalidPayload', 'RawMailNotFoundError'], String(error)).toContain(name);
              outcome = name;
            }
            const records = (event as { Records?: unknown[] } | null)?.Records;
            expect(sent.length).toBeLessThanOrEqual(Array.isArray(records) ? records.length : 0);
            outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          },
        ),
        250,
      );
      recorder.record('inbound-email handler on mutated SES fixtures and damaged mail', {
        edge: 'SES receipt events',
        inputsTried: tried,
        eventsLost: 0,
        eventsDuplicated: 0,
        notes: { outcomes },
      });
    },
    propertyTimeout(),
  );
});
