import { describe, expect, it } from 'vitest';
import { billingThread, createTestUi, waitingThread } from './harness.ts';

describe('GET / (the threads list)', () => {
  it('shows each thread with its status badge, agent, events, tokens and estimated $', async () => {
    const ui = createTestUi();
    await ui.seed(billingThread());

    const page = await ui.page('/');

    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Type')).toMatch(/^text\/html/);
    expect(page.body).toContain('<span class="badge status-done">done</span>');
    expect(page.body).toContain('<td>billing</td>');
    // 17 events; 3,723 tokens in at $0.80/M and 135 out at $4/M.
    expect(page.body).toMatch(
      /<td class="number">17<\/td>\s*<td class="number">3,858<\/td>\s*<td class="number">\$0.00352<\/td>/,
    );
    expect(page.body).toContain('<a href="/ui/threads/thread-terri">thread-terri</a>');
  });

  it('lists the most recently updated thread first and says what a waiting thread waits for', async () => {
    const ui = createTestUi();
    await ui.seed(waitingThread());
    await ui.seed(billingThread());

    const { body } = await ui.page('/');

    expect(body.indexOf('thread-terri')).toBeLessThan(body.indexOf('thread-waiting'));
    expect(body).toContain('<span class="badge status-awaiting-approval">awaiting approval</span>');
    expect(body).toContain('waiting for approval of create_payment_link');
    expect(body).not.toContain('apr_secret_waiting');
  });

  it('is an accessible page that works on a phone and loads nothing from elsewhere', async () => {
    const ui = createTestUi();
    await ui.seed(billingThread());

    const page = await ui.page('/');

    expect(page.body).toContain('<html lang="en">');
    expect(page.body).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page.body).toContain('<th scope="col">Status</th>');
    expect(page.body).toContain('<label for="agent">Agent</label>');
    expect(page.body).toContain('<label for="message">Message</label>');
    expect(page.body).not.toMatch(/<script|src="http|href="http/);
    expect(page.headers.get('Content-Security-Policy')).toContain("default-src 'none'");
  });

  it('offers every agent in the start form', async () => {
    const ui = createTestUi();

    const { body } = await ui.page('/');

    expect(body).toContain('<form method="post" action="/ui/threads">');
    expect(body).toContain('<option value="billing">billing</option>');
    expect(body).toContain('<option value="triage">triage</option>');
    expect(body).toContain('No threads yet');
  });

  it('links to older threads when the store has more than a page', async () => {
    const ui = createTestUi();
    for (let index = 0; index < 51; index += 1) await ui.seed(waitingThread(`thread-${index}`));

    const first = await ui.page('/');
    const cursor = /href="\/\?cursor=([^"]+)"/.exec(first.body)?.[1];
    const second = await ui.page(`/?cursor=${cursor}`);

    expect(cursor).toBeDefined();
    expect(second.status).toBe(200);
    expect((second.body.match(/<th scope="row">/g) ?? []).length).toBe(1);
  });

  it('answers 400 for a cursor it never handed out', async () => {
    const ui = createTestUi();

    const page = await ui.page('/?cursor=bm90LWEtY3Vyc29y');

    expect(page.status).toBe(400);
    expect(page.body).toContain('invalid list cursor');
  });
});
