import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevStack } from '../../lib/local/dev-stack.ts';
import {
  eventually,
  hasChromium,
  launchBrowser,
  mailsFor,
  newHome,
  readThread,
  SCREENSHOTS,
  startStack,
  startThread,
} from './stack.ts';

const SEED = 'create a $750 sponsorship link for Terri';

let stack: DevStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack(await newHome());
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const paymentLinks = async (): Promise<Record<string, unknown>[]> => {
  const client = new DynamoDBClient({ endpoint: stack.endpoints.aws.dynamodb });
  const tables = await client.send(new (await import('@aws-sdk/client-dynamodb')).ListTablesCommand({}));
  const table = tables.TableNames?.find((name) => name.includes('AgentTablesBillingLedger')) ?? '';
  const scanned = await client.send(new ScanCommand({ TableName: table }));
  client.destroy();
  return scanned.Items ?? [];
};

const approvalMail = (threadId: string, count: number) =>
  eventually(`approval mail ${count} for ${threadId}`, async () => {
    const mails = (await mailsFor(stack, threadId)).filter((mail) =>
      mail.subject.startsWith('Approval needed'),
    );
    return mails.length >= count ? mails[count - 1] : undefined;
  });

const until = (threadId: string, status: string) =>
  eventually(`${threadId} ${status}`, async () => {
    const thread = await readThread(stack, threadId);
    return thread.status === status ? thread : undefined;
  });

describe.skipIf(!hasChromium)('the local stack, end to end in a real browser', () => {
  it('mails an approval link; clicking Approve in the page finishes the thread and creates the link', async () => {
    const threadId = await startThread(stack, 'billing', SEED);
    const mail = await approvalMail(threadId, 1);
    expect(mail.to).toBe('you@threadline.local');
    expect(mail.link).toMatch(/\/approvals\/apr_\w+\?a=/);

    const page = await browser.newPage();
    await page.goto(String(mail.link));
    await page.screenshot({ path: `${SCREENSHOTS}/approval-page.png`, fullPage: true });
    expect(await page.textContent('body')).toContain('create_payment_link');
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.waitForLoadState();
    expect(await page.textContent('h1')).toBe('Approved');

    const done = await until(threadId, 'done');
    expect(done.events.at(-1)?.data.message).toContain('Created a payment link for Terri Jackson');
    expect(await paymentLinks()).toContainEqual(
      expect.objectContaining({ customerId: 'cus_terri', amountCents: 75_000 }),
    );

    await page.goto(`${stack.endpoints.ui}ui/threads/${threadId}`);
    await page.screenshot({ path: `${SCREENSHOTS}/timeline.png`, fullPage: true });
    expect(await page.locator('svg rect').count()).toBeGreaterThanOrEqual(3);
    await page.goto(stack.endpoints.ui);
    await page.screenshot({ path: `${SCREENSHOTS}/threads.png`, fullPage: true });
    await page.goto(`${stack.endpoints.ui}ui/outbox`);
    await page.screenshot({ path: `${SCREENSHOTS}/outbox.png`, fullPage: true });
    await page.close();
  });

  it('hands a rejection’s feedback to the model, which asks again with the new amount', async () => {
    const threadId = await startThread(stack, 'billing', SEED);
    const first = await approvalMail(threadId, 1);

    const page = await browser.newPage();
    await page.goto(String(first.link));
    await page.getByLabel(/feedback/i).fill('Too much: make it $500');
    await page.getByRole('button', { name: 'Reject with feedback' }).click();
    await page.waitForLoadState();
    expect(await page.textContent('h1')).toBe('Rejected');

    const second = await approvalMail(threadId, 2);
    expect(second.text).toContain('500');
    await page.goto(String(second.link));
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.waitForLoadState();
    await page.close();

    await until(threadId, 'done');
    expect(await paymentLinks()).toContainEqual(expect.objectContaining({ amountCents: 50_000 }));
  });

  it('shows the approval page to a GET without deciding anything, as mail scanners open links', async () => {
    const threadId = await startThread(stack, 'billing', SEED);
    const mail = await approvalMail(threadId, 1);
    for (let open = 0; open < 3; open += 1) expect((await fetch(String(mail.link))).status).toBe(200);
    expect((await readThread(stack, threadId)).status).toBe('awaiting-approval');
  });
});
