import { describe, expect, it } from 'vitest';
import {
  createTestApi,
  csrfOf,
  linkPath,
  PAYMENT,
  postForm,
  seedApproval,
  seedEscalation,
  seedQuestion,
  type TestApi,
} from './harness.ts';

const decide = async (api: TestApi, fields: Record<string, string>, path?: string) => {
  const link = path ?? (await linkPath(api, 'apr_secret1'));
  return postForm(api, link, { csrf: csrfOf(api, link), ...fields });
};

const decisionsOf = async (api: TestApi, threadId = 'thread-1') =>
  (await api.store.load(threadId)).events
    .filter((event) => event.type === 'approval-decision')
    .map((event) => event.data);

describe('POST /approvals/{id}', () => {
  it('approves: records the decision, claims the wait and resumes the task to run the tool', async () => {
    const api = createTestApi();
    const { callId } = await seedApproval(api);

    const response = await decide(api, { decision: 'approve' });

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Approved. The agent continues.');
    expect(await decisionsOf(api)).toEqual([
      { decision: 'approve', approvalId: 'apr_secret1', by: 'grace@example.com' },
    ]);
    expect(await api.waits.get('apr_secret1')).toMatchObject({
      status: 'decided',
      decidedBy: 'grace@example.com',
      decision: 'approve',
    });
    expect(api.orchestrator.calls).toEqual([
      {
        method: 'resume',
        taskToken: 'task-token-approval',
        output: { approved: true, next: { kind: 'tool', tool: 'create_payment_link', callId } },
      },
    ]);
  });

  it('rejects with feedback, and the model takes the next step', async () => {
    const api = createTestApi();
    await seedApproval(api);

    const response = await decide(api, { decision: 'reject', feedback: 'Only 100 USD' });

    expect(await response.text()).toContain('Rejected. The agent reads your feedback and revises.');
    expect(await decisionsOf(api)).toEqual([
      { decision: 'reject', feedback: 'Only 100 USD', approvalId: 'apr_secret1', by: 'grace@example.com' },
    ]);
    expect(api.orchestrator.calls).toMatchObject([
      { method: 'resume', output: { approved: false, next: { kind: 'step' } } },
    ]);
  });

  it('answers a rejection without feedback with 400 and the form again', async () => {
    const api = createTestApi();
    await seedApproval(api);

    const response = await decide(api, { decision: 'reject', feedback: '  ' });

    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('<p class="alert" role="alert">Write some feedback');
    expect(page).toContain('name="feedback"');
    expect(await decisionsOf(api)).toEqual([]);
  });

  it('approves edited arguments, checked by the tool’s schema', async () => {
    const api = createTestApi();
    await seedApproval(api);
    const edited = { ...PAYMENT, amountUsd: 100 };

    const response = await decide(api, { decision: 'edit', args: JSON.stringify(edited) });

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Approved with your arguments. The agent continues.');
    expect(await decisionsOf(api)).toEqual([
      { decision: 'edit', args: edited, approvalId: 'apr_secret1', by: 'grace@example.com' },
    ]);
    expect(api.orchestrator.calls).toMatchObject([{ method: 'resume', output: { approved: true } }]);
  });

  it.each([
    [
      'arguments the schema refuses',
      JSON.stringify({ ...PAYMENT, amountUsd: -5 }),
      'invalid arguments: amountUsd',
    ],
    ['text that is not JSON', '{ amountUsd: 100 }', 'The arguments are not valid JSON'],
  ])(
    'answers an edit with %s with 400, the message and the form, and decides nothing',
    async (_what, args, message) => {
      const api = createTestApi();
      await seedApproval(api);

      const response = await decide(api, { decision: 'edit', args });

      expect(response.status).toBe(400);
      const page = await response.text();
      expect(page).toContain(`<p class="alert" role="alert">${message}`);
      expect(page).toContain('<textarea id="args"');
      expect(await decisionsOf(api)).toEqual([]);
      expect((await api.waits.get('apr_secret1'))?.status).toBe('pending');
      expect(api.orchestrator.calls).toEqual([]);
    },
  );

  it('says who decided first when the link is posted again', async () => {
    const api = createTestApi();
    await seedApproval(api);
    await decide(api, { decision: 'approve' });

    const again = await decide(api, { decision: 'reject', feedback: 'changed my mind' });

    expect(again.status).toBe(200);
    expect(await again.text()).toMatch(/already decided by grace@example.com at 2026-03-01T12:00:\d\d.000Z/);
    expect(await decisionsOf(api)).toHaveLength(1);
    expect(api.orchestrator.calls).toHaveLength(1);
  });

  it('lets exactly one of two concurrent decisions win', async () => {
    const api = createTestApi();
    await seedApproval(api);
    const grace = await linkPath(api, 'apr_secret1', { approver: 'grace@example.com' });
    const ada = await linkPath(api, 'apr_secret1', { approver: 'ada@example.com' });

    const responses = await Promise.all([
      decide(api, { decision: 'approve' }, grace),
      decide(api, { decision: 'reject', feedback: 'no' }, ada),
    ]);

    const pages = await Promise.all(responses.map((response) => response.text()));
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect(pages.filter((page) => page.includes('already decided by'))).toHaveLength(1);
    expect(await decisionsOf(api)).toHaveLength(1);
    expect(api.orchestrator.calls.filter((call) => call.method === 'resume')).toHaveLength(1);
  });

  it('still reports success when the task no longer waits (timed out or gone)', async () => {
    const api = createTestApi();
    await seedApproval(api);
    api.orchestrator.resumeAnswer = 'gone';

    const response = await decide(api, { decision: 'approve' });

    expect(response.status).toBe(200);
    expect(await decisionsOf(api)).toHaveLength(1);
  });

  it('takes a JSON body with the arguments as an object', async () => {
    const api = createTestApi();
    await seedApproval(api);
    const path = await linkPath(api, 'apr_secret1');
    const edited = { ...PAYMENT, description: 'Invoice 42, corrected' };

    const response = await api.app.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ csrf: csrfOf(api, path), decision: 'edit', args: edited }),
    });

    expect(response.status).toBe(200);
    expect(await decisionsOf(api)).toMatchObject([{ decision: 'edit', args: edited }]);
  });

  it.each([
    ['an unknown decision', { decision: 'delete' }],
    ['no decision', {}],
  ])('answers %s with 400', async (_what, fields) => {
    const api = createTestApi();
    await seedApproval(api);

    const response = await decide(api, fields);

    expect(response.status).toBe(400);
    expect(await decisionsOf(api)).toEqual([]);
  });

  it('answers a multipart body with 415', async () => {
    const api = createTestApi();
    await seedApproval(api);
    const path = await linkPath(api, 'apr_secret1');
    const form = new FormData();
    form.set('csrf', csrfOf(api, path));
    form.set('decision', 'approve');

    const response = await api.app.request(path, { method: 'POST', body: form });

    expect(response.status).toBe(415);
    expect(await decisionsOf(api)).toEqual([]);
  });

  it('answers 404 for a correctly signed link to nothing', async () => {
    const api = createTestApi();

    const response = await decide(api, { decision: 'approve' }, await linkPath(api, 'apr_unknown'));

    expect(response.status).toBe(404);
  });
});

describe('POST /approvals/{id} for a question', () => {
  it('sends the answer and resumes the task for the next step', async () => {
    const api = createTestApi();
    const { threadId, requestId } = await seedQuestion(api);
    const path = await linkPath(api, requestId);

    const response = await postForm(api, path, {
      csrf: csrfOf(api, path),
      decision: 'answer',
      text: 'Sam Lee',
    });

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Answer sent. The agent continues.');
    const events = (await api.store.load(threadId)).events;
    expect(events.at(-1)).toMatchObject({
      type: 'human-input-response',
      data: { requestId, text: 'Sam Lee', from: 'grace@example.com', untrusted: false },
    });
    expect(api.orchestrator.calls).toEqual([
      {
        method: 'resume',
        taskToken: 'task-token-question',
        output: { approved: false, next: { kind: 'step' } },
      },
    ]);
  });

  it('answers an empty answer with 400 and the form again', async () => {
    const api = createTestApi();
    const { requestId } = await seedQuestion(api);
    const path = await linkPath(api, requestId);

    const response = await postForm(api, path, { csrf: csrfOf(api, path), decision: 'answer', text: '' });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<textarea id="text"');
  });

  it('refuses an approve posted to a question with 403', async () => {
    const api = createTestApi();
    const { requestId } = await seedQuestion(api);
    const path = await linkPath(api, requestId);

    const response = await postForm(api, path, { csrf: csrfOf(api, path), decision: 'approve' });

    expect(response.status).toBe(403);
  });
});

describe('POST /approvals/{id} for an escalation', () => {
  it('records the answer, which starts the next turn, and resumes the parked task', async () => {
    const api = createTestApi();
    const { threadId, requestId } = await seedEscalation(api);
    const path = await linkPath(api, requestId);

    const response = await postForm(api, path, {
      csrf: csrfOf(api, path),
      decision: 'answer',
      text: 'Only bill Terri',
    });

    expect(response.status).toBe(200);
    expect((await api.store.load(threadId)).events.at(-1)).toMatchObject({
      type: 'human-input-response',
      data: { requestId, text: 'Only bill Terri', from: 'grace@example.com' },
    });
    expect(api.orchestrator.calls).toMatchObject([{ method: 'resume', taskToken: 'task-token-escalation' }]);
  });
});
