import { describe, expect, it } from 'vitest';
import { createTestApi, csrfOf, linkPath, postForm, seedApproval, type TestApi } from './harness.ts';

/** Changes one thing about a valid link: what a forger, or a careless copy, does. */
const tamper = (path: string, change: (url: URL) => void): string => {
  const url = new URL(path, 'http://test');
  change(url);
  return url.pathname + url.search;
};

const flip = (text: string): string => (text.startsWith('A') ? `B${text.slice(1)}` : `A${text.slice(1)}`);

const FORGERIES: [string, (url: URL) => void][] = [
  ['approval id', (url) => (url.pathname = '/approvals/apr_other')],
  ['decision', (url) => url.searchParams.set('d', 'reject')],
  ['approver', (url) => url.searchParams.set('a', 'mallory@example.com')],
  ['expiry', (url) => url.searchParams.set('e', String(Number(url.searchParams.get('e')) + 86_400))],
  ['signature', (url) => url.searchParams.set('s', flip(url.searchParams.get('s')!))],
  ['missing signature', (url) => url.searchParams.delete('s')],
];

const setUp = async () => {
  const api = createTestApi();
  const { threadId, approvalId } = await seedApproval(api);
  // A second real approval, so a changed id lands on something that exists.
  await seedApproval(api, { threadId: 'thread-2', approvalId: 'apr_other' });
  const path = await linkPath(api, approvalId, { decision: 'approve' });
  return { api, threadId, approvalId, path };
};

const expectNothingDecided = async (api: TestApi, threadId: string) => {
  for (const id of ['apr_secret1', 'apr_other']) expect((await api.waits.get(id))?.status).toBe('pending');
  expect((await api.store.load(threadId)).events.map((event) => event.type)).not.toContain(
    'approval-decision',
  );
  expect(api.orchestrator.calls).toEqual([]);
};

describe('forged approval links', () => {
  it.each(FORGERIES)('answers GET with a changed %s with 403 and a plain page', async (_what, change) => {
    const { api, threadId, path } = await setUp();

    const response = await api.app.request(tamper(path, change));

    expect(response.status).toBe(403);
    const page = await response.text();
    expect(page).toContain('<h1>This link does not work</h1>');
    expect(page).not.toContain('<form');
    await expectNothingDecided(api, threadId);
  });

  it.each(FORGERIES)('answers POST with a changed %s with 403 and decides nothing', async (_what, change) => {
    const { api, threadId, path } = await setUp();

    const response = await postForm(api, tamper(path, change), {
      csrf: csrfOf(api, path),
      decision: 'approve',
    });

    expect(response.status).toBe(403);
    expect(response.headers.get('Content-Type')).toMatch(/^text\/html/);
    await expectNothingDecided(api, threadId);
  });

  it('answers an expired link with 403 and says it expired', async () => {
    const { api, threadId, approvalId } = await setUp();
    const path = await linkPath(api, approvalId, { expiresAt: '2026-03-01T12:00:30.000Z' });
    api.clock.advance(60_000);

    const shown = await api.app.request(path);
    const posted = await postForm(api, path, { csrf: csrfOf(api, path), decision: 'approve' });

    expect([shown.status, posted.status]).toEqual([403, 403]);
    expect(await shown.text()).toContain('<h1>This link has expired</h1>');
    await expectNothingDecided(api, threadId);
  });

  it.each([
    ['no CSRF token', {}],
    ['a CSRF token for another link', { csrf: 'x' }],
  ])('answers a POST with %s with 403', async (_what, fields: { csrf?: string }) => {
    const { api, threadId, path } = await setUp();
    const csrf =
      fields.csrf === undefined
        ? undefined
        : csrfOf(api, await linkPath(api, 'apr_other', { decision: 'approve' }));

    const response = await postForm(api, path, { decision: 'approve', ...(csrf ? { csrf } : {}) });

    expect(response.status).toBe(403);
    await expectNothingDecided(api, threadId);
  });

  it('answers a reject posted through an approve-only link with 403', async () => {
    const { api, threadId, path } = await setUp();

    const response = await postForm(api, path, {
      csrf: csrfOf(api, path),
      decision: 'reject',
      feedback: 'no',
    });

    expect(response.status).toBe(403);
    await expectNothingDecided(api, threadId);
  });

  it('answers an approval link posted as an answer with 403', async () => {
    const api = createTestApi();
    const { threadId, approvalId } = await seedApproval(api);
    const path = await linkPath(api, approvalId);

    const response = await postForm(api, path, { csrf: csrfOf(api, path), decision: 'answer', text: 'yes' });

    expect(response.status).toBe(403);
    expect((await api.store.load(threadId)).events).toHaveLength(3);
  });
});
