import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { type Browser, chromium } from 'playwright-core';
import { type DevStack, startDevStack } from '../../lib/local/dev-stack.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `\n*** SKIPPED: the browser tests need Chromium at ${CHROMIUM} and it is not there. ` +
      'Install it (apt-get install -y chromium; .ci/run does this) or set CHROMIUM_PATH. ***\n',
  );
}

/** Where screenshots go: kept as test artifacts. */
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

export const launchBrowser = async (): Promise<Browser> => {
  await mkdir(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
};

export const newHome = (): Promise<string> => mkdtemp(join(tmpdir(), 'threadline-e2e-'));

export const startStack = (home: string): Promise<DevStack> =>
  startDevStack({ home, port: 0, smtpPort: 0, model: 'demo' });

/** Waits for something the running stack does on its own; fails loudly if it never happens. */
export const eventually = async <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => {
  for (let attempt = 0; attempt < 1000; attempt += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  throw new Error(`never happened: ${what}`);
};

export interface Mail {
  subject: string;
  text: string;
  to: string;
  replyTo: string;
  headers: Map<string, unknown>;
  link?: string;
}

/** The outbox's mails about one thread, oldest first. */
export const mailsFor = async (stack: DevStack, threadId: string): Promise<Mail[]> => {
  const files = (await readdir(stack.endpoints.outbox).catch(() => [])).sort();
  const mails: Mail[] = [];
  for (const file of files) {
    const parsed = await simpleParser(
      await import('node:fs/promises').then((fs) => fs.readFile(join(stack.endpoints.outbox, file))),
    );
    if (parsed.headers.get('x-threadline-thread') !== threadId) continue;
    const text = parsed.text ?? '';
    mails.push({
      subject: parsed.subject ?? '',
      text,
      to: parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : '',
      replyTo: parsed.replyTo?.text ?? '',
      headers: parsed.headers,
      ...(/(http:\/\/\S+\/approvals\/\S+)/.exec(text)?.[1]
        ? { link: /(http:\/\/\S+\/approvals\/\S+)/.exec(text)?.[1] }
        : {}),
    });
  }
  return mails;
};

export interface ThreadView {
  status: string;
  events: { type: string; data: Record<string, unknown> }[];
}

export const readThread = async (stack: DevStack, threadId: string): Promise<ThreadView> => {
  const response = await fetch(`${stack.endpoints.api}/threads/${threadId}`);
  if (response.status !== 200) throw new Error(`GET /threads/${threadId}: ${response.status}`);
  return (await response.json()) as ThreadView;
};

export const startThread = async (stack: DevStack, agent: string, message: string): Promise<string> => {
  const response = await fetch(`${stack.endpoints.api}/threads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ agent, message }),
  });
  if (response.status !== 202) throw new Error(`POST /threads: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { threadId: string };
  return body.threadId;
};
