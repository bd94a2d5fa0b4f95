import { describe, expect, it } from 'vitest';
import { createTestUi } from './harness.ts';

const SAME_ORIGIN = { Origin: 'http://localhost' };

const post = (ui: ReturnType<typeof createTestUi>, fields: Record<string, string>, headers = SAME_ORIGIN) =>
  ui.app.request('/ui/threads', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });

describe('POST /ui/threads (the start form)', () => {
  it('starts a thread and redirects to its timeline with 303', async () => {
    const ui = createTestUi();

    const response = await post(ui, {
      agent: 'billing',
      message: 'create a $750 sponsorship link for Terri',
    });

    expect(response.status).toBe(303);
    expect(response.headers.get('Location')).toBe('/ui/threads/thread-new-1');
    expect(ui.started).toEqual([{ agent: 'billing', message: 'create a $750 sponsorship link for Terri' }]);
  });

  it('answers 400 with the reason and the typed text when the agent is unknown', async () => {
    const ui = createTestUi();

    const response = await post(ui, { agent: 'payroll', message: 'pay <b>everyone</b>' });
    const body = await response.text();

    expect(response.status).toBe(400);
    expect(body).toContain('role="alert"');
    expect(body).toContain('agent: unknown agent &quot;payroll&quot;; known agents: billing, triage');
    expect(body).toContain('>pay &lt;b&gt;everyone&lt;/b&gt;</textarea>');
    expect(ui.started).toEqual([]);
  });

  it.each([
    ['a blank message', { agent: 'billing', message: '  \n ' }, 'message: must not be empty'],
    ['no message', { agent: 'billing' }, 'message: write a message'],
    ['no agent', { message: 'hello' }, 'agent: choose an agent'],
  ])('answers 400 for %s', async (_what, fields, problem) => {
    const ui = createTestUi();

    const response = await post(ui, fields);

    expect(response.status).toBe(400);
    expect(await response.text()).toContain(problem);
    expect(ui.started).toEqual([]);
  });

  it('keeps the chosen agent selected when the form comes back', async () => {
    const ui = createTestUi();

    const response = await post(ui, { agent: 'triage', message: '' });

    expect(await response.text()).toContain('<option value="triage" selected>triage</option>');
  });

  it('refuses a form posted from another site', async () => {
    const ui = createTestUi();

    const response = await post(
      ui,
      { agent: 'billing', message: 'create a $750 sponsorship link for Terri' },
      { Origin: 'https://evil.example' },
    );

    expect(response.status).toBe(403);
    expect(response.headers.get('X-Frame-Options')).toBe('DENY');
    expect(await response.text()).toContain('This form only works from the page it is on.');
    expect(ui.started).toEqual([]);
  });
});
