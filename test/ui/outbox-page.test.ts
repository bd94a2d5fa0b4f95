import { describe, expect, it } from 'vitest';
import { APPROVALS_BASE, approvalMail, createTestUi } from './harness.ts';

describe('GET /ui/outbox', () => {
  it('lists the mail newest first, with date, recipients, subject and text', async () => {
    const ui = createTestUi({
      mail: [
        approvalMail({ id: 'old', subject: 'First', date: '2026-01-01T00:00:05.000Z' }),
        approvalMail({
          id: 'new',
          subject: 'Second',
          date: '2026-01-01T00:09:00.000Z',
          to: ['a@example.com', 'b@example.com'],
        }),
      ],
    });

    const page = await ui.page('/ui/outbox');

    expect(page.status).toBe(200);
    expect(page.body.indexOf('>Second</h2>')).toBeLessThan(page.body.indexOf('>First</h2>'));
    expect(page.body).toContain(
      '<dt>Date</dt><dd><time datetime="2026-01-01T00:09:00.000Z">2026-01-01 00:09:00 UTC</time></dd>',
    );
    expect(page.body).toContain('<dt>To</dt><dd>a@example.com, b@example.com</dd>');
    expect(page.body).toContain(
      '<pre>The billing agent wants to run create_payment_link.\nApprove: http://127.0.0.1:8787/approvals/',
    );
  });

  it('makes each link a clickable anchor and marks the approval pages', async () => {
    const other = 'https://pay.example.com/l/pl_1';
    const ui = createTestUi({ mail: [approvalMail({ links: [...approvalMail().links, other] })] });

    const { body } = await ui.page('/ui/outbox');

    const approval = approvalMail().links[0]!.replaceAll('&', '&amp;');
    expect(body).toContain(
      `<li><strong>Approval page:</strong> <a href="${approval}" rel="noreferrer">${approval}</a></li>`,
    );
    expect(body).toContain(`<li><a href="${other}" rel="noreferrer">${other}</a></li>`);
    expect(approval.startsWith(APPROVALS_BASE)).toBe(true);
  });

  it('escapes the mail and never makes a script link clickable', async () => {
    const ui = createTestUi({
      mail: [
        approvalMail({
          subject: '<b>urgent</b>',
          text: 'Reply: <script>alert(1)</script>',
          links: ['javascript:alert(1)', 'http://127.0.0.1:8787/approvals/x?a="><script>'],
        }),
      ],
    });

    const { body } = await ui.page('/ui/outbox');

    expect(body).not.toContain('<script');
    expect(body).not.toContain('href="javascript:');
    expect(body).toContain('<li>javascript:alert(1)</li>');
    expect(body).toContain('&lt;b&gt;urgent&lt;/b&gt;');
    expect(body).toContain('<pre>Reply: &lt;script&gt;alert(1)&lt;/script&gt;</pre>');
  });

  it('says so when no mail has been sent', async () => {
    const ui = createTestUi();

    const { body } = await ui.page('/ui/outbox');

    expect(body).toContain('No mail has been sent yet.');
  });
});
