import { describe, expect, it } from 'vitest';
import { aThread } from '../support/thread-builder.ts';
import { billingThread, countOf, createTestUi, internalIdsOf, waitingThread } from './harness.ts';

describe('GET /ui/threads/:id (the timeline)', () => {
  it('shows the status, agent and totals in its header', async () => {
    const ui = createTestUi();
    await ui.seed(billingThread());

    const page = await ui.page('/ui/threads/thread-terri');

    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>Thread thread-terri</h1>');
    expect(page.body).toContain('<dt>Status</dt><dd><span class="badge status-done">done</span></dd>');
    expect(page.body).toContain('<dt>Agent</dt><dd>billing</dd>');
    expect(page.body).toContain('<dt>Tokens</dt><dd>3,723 in / 135 out</dd>');
    expect(page.body).toContain('<dt>Estimated cost</dt><dd>$0.00352</dd>');
  });

  it('shows every event with its seq, time, type and a readable body', async () => {
    const ui = createTestUi();
    await ui.seed(billingThread());

    const { body } = await ui.page('/ui/threads/thread-terri');

    expect(countOf(body, '<div class="event-head">')).toBe(17);
    expect(body).toContain(
      '#2 · <time datetime="2026-01-01T00:00:02.000Z">2026-01-01 00:00:02 UTC</time> · <span class="type">model-step</span>',
    );
    expect(body).toContain('Chose <strong>lookup_customer</strong> with:</p><pre>name: Terri</pre>');
    expect(body).toContain('<strong>lookup_customer</strong> returned:</p><pre>- id: cus_terri');
    expect(body).toContain(
      'Rejected by finance@example.com, with feedback:</p><blockquote>make it $500</blockquote>',
    );
    expect(body).toContain('Approved by ops@example.com.');
    expect(body).toContain('<li id="seq-12" class="error">');
    expect(body).toContain(
      'Error from lookup_customer: the arguments are not JSON: Unexpected end of JSON input',
    );
    expect(body).toContain('The agent asks:</p><blockquote>Send the link to Terri now?</blockquote>');
    expect(body).toContain('Answer via api:</p><blockquote>yes, by email</blockquote>');
    expect(body).toContain(
      'Done:</p><blockquote>Created a $500 sponsorship link for Terri Jackson.</blockquote>',
    );
  });

  it('draws one bar per model step, labelled with its tool, and the running total of $', async () => {
    const ui = createTestUi();
    await ui.seed(billingThread());

    const { body } = await ui.page('/ui/threads/thread-terri');

    const svg = body.slice(body.indexOf('<svg'), body.indexOf('</svg>'));
    expect(countOf(svg, '<rect class="bar"')).toBe(6);
    expect([...svg.matchAll(/rotate\([^)]*\)">([^<]*)<\/text>/g)].map((match) => match[1])).toEqual([
      'lookup_customer',
      'create_payment_link',
      'create_payment_link',
      'lookup_customer',
      'request_human_input',
      'done_for_now',
    ]);
    expect(svg).toContain(
      '<title>#2 lookup_customer: 412 in + 9 out tokens, $0.00037 (running total $0.00037)',
    );
    expect(svg).toContain('<polyline class="cost"');
    expect(body).toContain('Running total: <strong>$0.00352</strong> after 6 model steps.');
  });

  it('never shows event, call, approval or request ids', async () => {
    const ui = createTestUi();
    const threads = [billingThread(), waitingThread()];
    for (const thread of threads) await ui.seed(thread);

    for (const thread of threads) {
      const { body } = await ui.page(`/ui/threads/${thread.id}`);
      const shown = internalIdsOf(thread).filter((id) => body.includes(id));
      expect(shown).toEqual([]);
    }
  });

  it('says what a waiting thread waits for and where the link to decide is', async () => {
    const ui = createTestUi();
    await ui.seed(waitingThread());

    const page = await ui.page('/ui/threads/thread-waiting');

    expect(page.body).toContain('Waiting for approval of create_payment_link.');
    expect(page.body).toContain('<a href="/ui/outbox">outbox</a>');
    expect(page.body).toContain(
      'Asks for approval to run <strong>create_payment_link</strong> with: <strong>Waiting for a person.</strong>',
    );
    expect(page.headers.get('Refresh')).toBe('5');
  });

  it('escapes what a tool returned, wherever it is shown', async () => {
    const ui = createTestUi();
    const attack = '<script>alert("pwned")</script>';
    await ui.seed(
      aThread('thread-evil', 'billing')
        .user('look up <img src=x onerror=alert(1)>')
        .call(attack, { name: attack })
        .result({ note: attack }, undefined, attack)
        .call('lookup_customer', { name: 'x' })
        .error(attack)
        .build(),
    );

    const { body } = await ui.page('/ui/threads/thread-evil');

    expect(body).not.toContain('<script');
    expect(body).not.toContain('<img');
    expect(body).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
  });

  it('reloads a running thread every 2 s until told to stop, and a finished one never', async () => {
    const ui = createTestUi();
    await ui.seed(aThread('thread-running', 'billing').user('hello').build());
    await ui.seed(billingThread());

    const running = await ui.page('/ui/threads/thread-running');
    const stopped = await ui.page('/ui/threads/thread-running?refresh=off');
    const done = await ui.page('/ui/threads/thread-terri');

    expect(running.headers.get('Refresh')).toBe('2');
    expect(running.body).toContain('<a href="/ui/threads/thread-running?refresh=off">Stop reloading</a>');
    expect(stopped.headers.get('Refresh')).toBeNull();
    expect(done.headers.get('Refresh')).toBeNull();
  });

  it('links a fork to the thread and event it was forked from', async () => {
    const ui = createTestUi();
    await ui.seed(billingThread());
    await ui.store.fork('thread-terri', 4, { threadId: 'thread-fork', at: '2026-01-02T00:00:00.000Z' });

    const { body } = await ui.page('/ui/threads/thread-fork');

    expect(body).toContain(
      '<dt>Forked from</dt><dd><a href="/ui/threads/thread-terri#seq-4">thread-terri</a> at event #4</dd>',
    );
  });

  it.each([
    ['an unknown thread', '/ui/threads/thread-nobody'],
    ['an id no thread could have', '/ui/threads/%3Cscript%3E'],
  ])('answers 404 for %s', async (_what, path) => {
    const ui = createTestUi();

    const page = await ui.page(path);

    expect(page.status).toBe(404);
    expect(page.body).toContain('<h1>Thread not found</h1>');
    expect(page.body).not.toContain('<script>');
    expect(page.headers.get('Content-Security-Policy')).toMatch(/^default-src 'none';/);
  });
});
