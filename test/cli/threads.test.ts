import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const SEED = 'create a $750 sponsorship link for Terri';

describe('threads on the embedded DynamoDB store', () => {
  it('keeps a run’s thread across restarts and shows, lists and forks it', async () => {
    const run = await runCli(['run', '--store', 'dynamo', '--approve', 'all', SEED]);
    expect(run.code).toBe(0);
    const threadId = /thread (th_\w+) done/.exec(run.stdout)?.[1];
    expect(threadId).toBeDefined();

    const listed = await runCli(['threads', '--json'], { home: run.home });
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ threadId, agent: 'billing', status: 'done', lastSeq: 9 }),
    ]);

    const shown = await runCli(['show', String(threadId)], { home: run.home });
    expect(shown.stdout).toContain(`thread ${threadId}, agent billing`);
    expect(shown.stdout).toMatch(
      /status done, 9 events, 3 steps this turn, \d+ in \/ \d+ out tokens, est\. \$0\.00000/,
    );
    expect(shown.stdout).toContain('approval-decision    approve by cli --approve all');

    const forked = await runCli(['fork', String(threadId), '--at', '3'], { home: run.home });
    const forkId = /into (th_\w+) \(3 events\)/.exec(forked.stdout)?.[1];
    expect(forkId).toBeDefined();
    const fork = JSON.parse((await runCli(['show', String(forkId), '--json'], { home: run.home })).stdout);
    expect(fork.parent).toEqual({ threadId, atSeq: 3 });
    expect(fork.events.map((event: { type: string }) => event.type)).toEqual([
      'user-message',
      'model-step',
      'tool-result',
    ]);
  });

  it('says clearly when a thread does not exist or a fork point is missing', async () => {
    const missing = await runCli(['show', 'th_nobody']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('thread th_nobody does not exist');
    const noSeq = await runCli(['fork', 'th_nobody']);
    expect(noSeq.code).toBe(2);
    expect(noSeq.stderr).toContain('fork needs --at <seq>');
  });
});

describe('threadline prompt --thread', () => {
  it('prints the request a stored thread’s next step would send, with no internal ids', async () => {
    const run = await runCli(['run', '--store', 'dynamo', '--approve', 'all', SEED]);
    const threadId = String(/thread (th_\w+) done/.exec(run.stdout)?.[1]);

    const prompt = await runCli(['prompt', '--thread', threadId], { home: run.home });

    expect(prompt.code).toBe(0);
    const request = JSON.parse(prompt.stdout);
    expect(request.context).toContain('<create_payment_link>');
    expect(request.context).toContain('<approval status="approved"/>');
    expect(request.context).not.toMatch(/ev_|apr_|th_/);
  });
});
