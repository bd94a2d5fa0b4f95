import { describe, expect, it } from 'vitest';
import { OUTSIDE_CONTENT_NOTE } from '../../lib/core/rule-of-two.ts';
import {
  createTestApi,
  csrfOf,
  linkPath,
  seedApproval,
  seedEscalation,
  seedQuestion,
  type TestApi,
} from './harness.ts';

const snapshot = async (api: TestApi, threadId: string, requestId: string) => ({
  events: (await api.store.load(threadId)).events,
  wait: await api.waits.get(requestId),
});

describe('GET /approvals/{id}', () => {
  it('shows the proposed action, its context and the three forms', async () => {
    const api = createTestApi();
    const { approvalId } = await seedApproval(api);
    const path = await linkPath(api, approvalId);

    const response = await api.app.request(path);

    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=UTF-8');
    const page = await response.text();
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).toContain('<h1>Approve create_payment_link?</h1>');
    expect(page).toContain('<dt>customerId</dt><dd>&quot;cus_terri&quot;</dd>');
    expect(page).toContain('<dt>amountUsd</dt><dd>120</dd>');
    expect(page).toContain('<blockquote>Bill Terri 120 USD for invoice 42</blockquote>');
    expect(page).toContain('<li class="event">#1 message: Bill Terri 120 USD for invoice 42</li>');
    expect(page).toContain('This link is for grace@example.com and works until 2026-03-01 13:00 UTC.');
    for (const decision of ['approve', 'reject', 'edit']) {
      expect(page).toContain(`<input type="hidden" name="decision" value="${decision}">`);
    }
    expect(page).toContain('<label for="feedback">Feedback for the agent</label>');
    expect(page).toContain('<label for="args">Arguments as JSON</label>');
    expect(page).toContain('&quot;customerId&quot;: &quot;cus_terri&quot;');
    expect(page).toContain(`<input type="hidden" name="csrf" value="${csrfOf(api, path)}">`);
    const action = path.slice(path.indexOf('?')).replaceAll('&', '&amp;');
    expect(page.match(/<form method="post" action="([^"]+)"/g)).toEqual(
      Array(3).fill(`<form method="post" action="${action}"`),
    );
  });

  it('says the rule of two asked, and where the outside content came from', async () => {
    const api = createTestApi();
    const source = 'a message via email from ann@example.org';
    const { approvalId } = await seedApproval(api, {
      reason: { kind: 'outside-content', eventId: 'ev-mail', source },
    });

    const page = await (await api.app.request(await linkPath(api, approvalId))).text();

    expect(page).toContain(`${OUTSIDE_CONTENT_NOTE}: ${source}.`);
    expect(page).toContain('the rule of two asks a person once a thread has read content from outside');
  });

  it('names no outside content when the tool itself is gated', async () => {
    const api = createTestApi();
    const { approvalId } = await seedApproval(api, { reason: { kind: 'tool' } });

    const page = await (await api.app.request(await linkPath(api, approvalId))).text();

    expect(page).not.toContain(OUTSIDE_CONTENT_NOTE);
  });

  const PRIVATE_PAGE_HEADERS = {
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy':
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  };
  const headersOf = (response: Response) =>
    Object.fromEntries(Object.keys(PRIVATE_PAGE_HEADERS).map((name) => [name, response.headers.get(name)]));

  it.each([
    ['the approval page', (_api: TestApi, path: string) => path, 200],
    ['the page for a link with a bad signature', (_api: TestApi, path: string) => `${path}x`, 403],
    ['the page for a signed link to nothing', (api: TestApi) => linkPath(api, 'apr_unknown'), 404],
    ['the page for a path no route answers', () => '/approvals/apr_1/not/a/route', 404],
  ])('keeps %s private, uncached, unframed and inert', async (_name, pathOf, status) => {
    const api = createTestApi();
    const { approvalId } = await seedApproval(api);

    const response = await api.app.request(await pathOf(api, await linkPath(api, approvalId)));

    expect(response.status).toBe(status);
    expect(headersOf(response)).toEqual(PRIVATE_PAGE_HEADERS);
  });

  it('escapes text from the thread wherever it shows it', async () => {
    const api = createTestApi();
    const hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const { approvalId } = await seedApproval(api, {
      text: hostile,
      args: { customerId: '"><script>alert(2)</script>', amountUsd: 1, description: "it's </textarea><b>" },
    });

    const page = await (await api.app.request(await linkPath(api, approvalId))).text();

    expect(page).not.toContain('<script');
    expect(page).not.toContain('<img');
    expect(page).not.toContain('</textarea><b>');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(page).toContain('it&#39;s &lt;/textarea&gt;&lt;b&gt;');
  });

  it('shows only the form a single-decision link allows', async () => {
    const api = createTestApi();
    const { approvalId } = await seedApproval(api);

    const page = await (
      await api.app.request(await linkPath(api, approvalId, { decision: 'approve' }))
    ).text();

    expect(page).toContain('value="approve"');
    expect(page).not.toContain('value="reject"');
    expect(page).not.toContain('value="edit"');
  });

  it('changes nothing: the thread, the wait and the orchestrator stay as they were', async () => {
    const api = createTestApi();
    const { threadId, approvalId } = await seedApproval(api);
    const before = await snapshot(api, threadId, approvalId);

    for (let opened = 0; opened < 3; opened += 1) await api.app.request(await linkPath(api, approvalId));
    await api.app.request(await linkPath(api, approvalId), { method: 'HEAD' });

    expect(await snapshot(api, threadId, approvalId)).toEqual(before);
    expect(api.orchestrator.calls).toEqual([]);
  });

  it('shows a question and an answer form for a question', async () => {
    const api = createTestApi();
    const { requestId } = await seedQuestion(api, 'Which Sam: <Lee> or <Ortiz>?');

    const response = await api.app.request(await linkPath(api, requestId));

    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('<h1>The billing agent has a question</h1>');
    expect(page).toContain('<blockquote>Which Sam: &lt;Lee&gt; or &lt;Ortiz&gt;?</blockquote>');
    expect(page).toContain('<label for="text">Answer</label>');
    expect(page).toContain('<input type="hidden" name="decision" value="answer">');
  });

  it('shows an escalation and asks how the agent should go on', async () => {
    const api = createTestApi();
    const { requestId } = await seedEscalation(api);

    const page = await (await api.app.request(await linkPath(api, requestId))).text();

    expect(page).toContain('<h1>The billing agent needs help</h1>');
    expect(page).toContain('<blockquote>20 steps &lt;without&gt; finishing (step-cap)</blockquote>');
    expect(page).toContain('<label for="text">How should the agent go on?</label>');
  });

  it('refuses to open a question with a link made for one decision', async () => {
    const api = createTestApi();
    const { requestId } = await seedQuestion(api);

    const response = await api.app.request(await linkPath(api, requestId, { decision: 'approve' }));

    expect(response.status).toBe(403);
    expect(await response.text()).toContain('This link cannot do that');
  });

  it('says who decided, and when, once it is decided', async () => {
    const api = createTestApi();
    const { approvalId } = await seedApproval(api);
    await api.waits.decide(approvalId, {
      by: 'ada@example.com',
      at: '2026-03-01T12:05:00.000Z',
      decision: 'approve',
    });

    const response = await api.app.request(await linkPath(api, approvalId));

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('already decided by ada@example.com at 2026-03-01T12:05:00.000Z');
  });

  it('answers 404 with a page for a correctly signed link to nothing', async () => {
    const api = createTestApi();

    const response = await api.app.request(await linkPath(api, 'apr_unknown'));

    expect(response.status).toBe(404);
    expect(await response.text()).toContain('No approval or question has this id.');
  });

  it('answers 409 when the thread was cancelled', async () => {
    const api = createTestApi();
    const { threadId, approvalId } = await seedApproval(api);
    await api.store.append(threadId, [{ id: 'ev-c', at: api.clock.now(), type: 'cancelled', data: {} }]);

    const response = await api.app.request(await linkPath(api, approvalId));

    expect(response.status).toBe(409);
    expect(await response.text()).toContain('This thread was cancelled');
  });
});
