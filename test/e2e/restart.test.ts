import { afterAll, describe, expect, it } from 'vitest';
import type { DevStack } from '../../lib/local/dev-stack.ts';
import { eventually, mailsFor, newHome, readThread, startStack, startThread } from './stack.ts';

const stacks: DevStack[] = [];

afterAll(async () => {
  for (const stack of stacks) await stack.stop().catch(() => undefined);
});

describe('the local stack across a restart', () => {
  it('resumes a thread that was waiting for approval when the stack stopped', async () => {
    const home = await newHome();
    const first = await startStack(home);
    stacks.push(first);
    const threadId = await startThread(first, 'billing', 'create a $750 sponsorship link for Terri');
    const mail = await eventually('the approval mail', async () =>
      (await mailsFor(first, threadId)).find((candidate) => candidate.link),
    );
    await first.stop();

    const second = await startStack(home);
    stacks.push(second);
    // Same approval, same signed link; only the port is new.
    const link = new URL(String(mail.link));
    const url = `${second.endpoints.api}${link.pathname}${link.search}`;
    const page = await (await fetch(url)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
    expect(csrf).toBeDefined();
    const decided = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: second.endpoints.api },
      body: new URLSearchParams({ decision: 'approve', csrf: String(csrf) }),
    });
    expect(decided.status).toBe(200);

    const done = await eventually('the thread done after the restart', async () => {
      const thread = await readThread(second, threadId);
      return thread.status === 'done' ? thread : undefined;
    });
    expect(done.events.map((event) => event.type).slice(-4)).toEqual([
      'approval-decision',
      'tool-result',
      'model-step',
      'agent-done',
    ]);
    expect(
      (await mailsFor(second, threadId)).filter((candidate) =>
        candidate.subject.startsWith('Approval needed'),
      ),
    ).toHaveLength(1);
  });
});
