import { join } from 'node:path';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { localTableName } from '../../lib/cli/runtime.ts';
import { EventSchema } from '../../lib/core/events.ts';
import { startEmbeddedDynamo } from '../../lib/local/embedded-dynamo.ts';
import { runCli } from '../support/cli.ts';

const SEED = 'create a $750 sponsorship link for Terri';

const eventTypes = (stdout: string): string[] =>
  stdout
    .trim()
    .split('\n')
    .map((line) => EventSchema.parse(JSON.parse(line)).type);

/** The billing agent's ledger as the run left it in the embedded DynamoDB under its home. */
const storedLinks = async (home: string): Promise<unknown[]> => {
  const dynamo = await startEmbeddedDynamo({ path: join(home, 'dynamodb') });
  try {
    const documents = DynamoDBDocumentClient.from(dynamo.client);
    return (
      (await documents.send(new ScanCommand({ TableName: localTableName('billing', 'ledger') }))).Items ?? []
    );
  } finally {
    await dynamo.stop();
  }
};

describe('threadline run', () => {
  it('creates the link when every approval is given: lookup, approval, link, done', async () => {
    const result = await runCli(['run', '--store', 'dynamo', '--approve', 'all', '--json', SEED]);

    expect(result.code).toBe(0);
    expect(eventTypes(result.stdout)).toEqual([
      'user-message',
      'model-step',
      'tool-result',
      'model-step',
      'approval-request',
      'approval-decision',
      'tool-result',
      'model-step',
      'agent-done',
    ]);
    expect(await storedLinks(result.home)).toEqual([
      expect.objectContaining({ customerId: 'cus_terri', amountCents: 75_000, currency: 'usd' }),
    ]);
  });

  it('ends cleanly when every approval is refused, and the model reads the feedback', async () => {
    const result = await runCli(['run', '--store', 'dynamo', '--approve', 'none', '--json', SEED]);

    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => EventSchema.parse(JSON.parse(line)));
    const decision = events.find((event) => event.type === 'approval-decision');
    expect(decision?.data).toMatchObject({
      decision: 'reject',
      feedback: expect.stringContaining('--approve none'),
    });
    const done = events.at(-1);
    expect(done?.type).toBe('agent-done');
    expect(done?.data).toMatchObject({ message: expect.stringContaining('--approve none') });
    expect(await storedLinks(result.home)).toEqual([]);
  });

  it('prints a readable timeline that says the model is a demo', async () => {
    const result = await runCli(['run', '--approve', 'all', SEED]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('model demo (the offline demo model');
    expect(result.stdout).toMatch(/lookup_customer name: Terri/);
    expect(result.stdout).toMatch(/agent-done\s+\[demo model\] Created a payment link for Terri Jackson/);
    expect(result.stdout).toMatch(/thread th_\w+ done after 9 events/);
  });

  it('asks at the terminal and revises the link after feedback that names a new amount', async () => {
    const result = await runCli(['run', '--store', 'dynamo', SEED], {
      stdin: ['r', 'too much: make it $500', 'a'],
    });

    expect(result.code).toBe(0);
    expect(await storedLinks(result.home)).toEqual([expect.objectContaining({ amountCents: 50_000 })]);
  });

  it('takes answers to the agent’s questions from --answer when there is no terminal', async () => {
    const result = await runCli([
      'run',
      '--store',
      'dynamo',
      '--approve',
      'all',
      '--answer',
      'Sam Ortiz',
      'create a $200 consulting link for Sam',
    ]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Which customer do you mean: Sam Lee or Sam Ortiz?');
    expect(await storedLinks(result.home)).toEqual([
      expect.objectContaining({ customerId: 'cus_sam_ortiz', amountCents: 20_000 }),
    ]);
  });

  it('stops with exit code 3 and the question when an answer is needed and none was given', async () => {
    const result = await runCli(['run', '--approve', 'all', 'create a $200 consulting link for Sam']);

    expect(result.code).toBe(3);
    expect(result.stderr).toContain('Which customer do you mean');
    expect(result.stderr).toContain('--answer');
  });

  it('refuses bad usage with exit code 2 and says what was wrong', async () => {
    expect((await runCli(['run'])).stderr).toContain('run needs a message');
    expect((await runCli(['run', '--approve', 'maybe', SEED])).code).toBe(2);
    expect((await runCli(['run', '--agent', 'nobody', SEED])).stderr).toContain('unknown agent "nobody"');
    expect((await runCli(['fly'])).code).toBe(2);
    const badModel = await runCli(['run', SEED], { env: { THREADLINE_MODEL: 'gpt' } });
    expect(badModel.code).toBe(2);
    expect(badModel.stderr).toContain('THREADLINE_MODEL');
  });
});

describe('threadline prompt', () => {
  it('prints the exact request: system prompt, rendered thread and tool schemas', async () => {
    const result = await runCli(['prompt', SEED]);

    expect(result.code).toBe(0);
    const request = JSON.parse(result.stdout);
    expect(request.system).toContain('You are the billing agent');
    expect(request.context).toBe(`<user>${SEED}</user>`);
    expect(request.tools.map((tool: { name: string }) => tool.name)).toEqual([
      'lookup_customer',
      'create_payment_link',
      'request_human_input',
      'done_for_now',
    ]);
    expect(request.tools[0].inputSchema).toEqual({
      type: 'object',
      properties: { name: { type: 'string', description: 'Full or partial name' } },
      required: ['name'],
    });
  });
});
