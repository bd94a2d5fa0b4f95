import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadRequestException, SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SesNotifier } from '../../lib/adapters/ses-notifier.ts';
import { type LocalSes, startLocalSes } from '../../lib/local/local-ses.ts';

let directory: string;
let ses: LocalSes;
let client: SESv2Client;
let clock = new Date('2026-11-05T10:30:00.123Z');

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'threadline-outbox-'));
  ses = await startLocalSes({ outboxDirectory: directory, now: () => clock });
  client = new SESv2Client({
    endpoint: ses.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client.destroy();
  await ses.close();
  await rm(directory, { recursive: true, force: true });
});

describe('the local SES outbox, driven by the stock SDK client', () => {
  it('writes what the SES notifier sends as one .eml per message and lists it', async () => {
    const notifier = new SesNotifier({
      from: 'Threadline <agent@example.com>',
      defaultTo: ['approver@example.com'],
      inboundDomain: 'in.example.com',
      client,
    });
    await notifier.notify({
      kind: 'question',
      threadId: 't-1',
      requestId: 'ev-7',
      question: 'Which invoice?',
    });

    const [mail, ...rest] = await ses.listOutbox();
    expect(rest).toEqual([]);
    expect(mail).toMatchObject({
      from: 'agent@example.com',
      to: ['approver@example.com'],
      replyTo: ['reply+t-1@in.example.com'],
      date: new Date('2026-11-05T10:30:00.000Z'),
      headers: { 'x-threadline-thread': 't-1', 'x-threadline-request': 'ev-7', 'mime-version': '1.0' },
    });
    expect(mail?.messageId).toMatch(/^0100[0-9a-f]{12}-[0-9a-f-]{36}-000000$/);
    expect(mail?.headerMessageId).toBe(`<${mail?.messageId}@email.amazonses.com>`);
    expect(mail?.headers['content-type']).toMatch(/^multipart\/alternative/);
    expect(mail?.text).toContain('Which invoice?');
    expect(mail?.html).toContain('Which invoice?');
    expect(await readdir(directory)).toEqual([`2026-11-05T10-30-00-123Z-${mail?.messageId}.eml`]);
  });

  it('encodes non-ASCII subjects and keeps Cc and Bcc visible', async () => {
    clock = new Date('2026-11-05T10:31:00.000Z');
    const { MessageId } = await client.send(
      new SendEmailCommand({
        FromEmailAddress: 'agent@example.com',
        Destination: {
          ToAddresses: ['a@example.com'],
          CcAddresses: ['c@example.com'],
          BccAddresses: ['b@example.com'],
        },
        Content: { Simple: { Subject: { Data: 'Grüße – 👋' }, Body: { Text: { Data: 'hallo' } } } },
      }),
    );
    const mail = (await ses.listOutbox()).find((candidate) => candidate.messageId === MessageId);
    expect(mail).toMatchObject({
      subject: 'Grüße – 👋',
      cc: ['c@example.com'],
      bcc: ['b@example.com'],
      text: 'hallo\n',
    });
    const raw = await readFile(mail?.file ?? '', 'utf8');
    expect(raw).toMatch(/^Subject: =\?UTF-8\?/m);
  });

  it('writes raw content as it was given', async () => {
    clock = new Date('2026-11-05T10:32:00.000Z');
    const raw = 'From: a@example.com\r\nTo: b@example.com\r\nSubject: raw\r\n\r\nbody\r\n';
    const { MessageId } = await client.send(
      new SendEmailCommand({ Content: { Raw: { Data: new TextEncoder().encode(raw) } } }),
    );
    const mail = (await ses.listOutbox()).at(-1);
    expect(mail).toMatchObject({ messageId: MessageId, subject: 'raw', to: ['b@example.com'] });
    expect(await readFile(mail?.file ?? '', 'utf8')).toBe(raw);
  });

  it('answers a bad request with BadRequestException and writes nothing', async () => {
    const before = (await readdir(directory)).length;
    await expect(
      client.send(
        new SendEmailCommand({
          FromEmailAddress: 'agent@example.com',
          Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } },
        }),
      ),
    ).rejects.toBeInstanceOf(BadRequestException);
    await expect(
      client.send(
        new SendEmailCommand({
          FromEmailAddress: 'agent@example.com',
          Destination: { ToAddresses: ['a@example.com'] },
          Content: { Template: { TemplateName: 'welcome', TemplateData: '{}' } },
        }),
      ),
    ).rejects.toThrowError(/does not render templates/);
    const response = await fetch(`${ses.endpoint}/v2/email/outbound-emails`, {
      method: 'POST',
      body: 'not json',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('BadRequestException');
    expect((await readdir(directory)).length).toBe(before);
  });
});
