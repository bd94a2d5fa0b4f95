import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMail } from '../../lib/adapters/mime-mail.ts';
import { SesReceiptEventSchema } from '../../lib/adapters/ses-receipt-event.ts';
import { replyText } from '../../lib/service/reply-text.ts';

/** Real inputs published by AWS and mail libraries (see ../shared/fixtures/SOURCES.md), present in CI. */
const SHARED = new URL('../../../shared/fixtures/', import.meta.url);
const present = existsSync(SHARED);
const files = (folder: string, extension: string): string[] => {
  const directory = new URL(`${folder}/`, SHARED);
  return existsSync(directory) ? readdirSync(directory).filter((name) => name.endsWith(extension)) : [];
};

describe.skipIf(!present)('shared fixtures', () => {
  it.each(files('ses', '.json'))('reads the SES receipt event %s', (name) => {
    const event = JSON.parse(readFileSync(new URL(`ses/${name}`, SHARED), 'utf-8'));

    const parsed = SesReceiptEventSchema.safeParse(event);

    expect(parsed.success, parsed.error?.message).toBe(true);
  });

  it.each(files('mime', '.eml'))('parses the mail %s into text', async (name) => {
    const mail = await parseMail(readFileSync(new URL(`mime/${name}`, SHARED)));

    expect(typeof mail.text).toBe('string');
    expect(replyText(mail.text).length).toBeLessThanOrEqual(mail.text.trim().length);
  });
});

describe.skipIf(!present)('shared fixtures: replies', () => {
  it.each(files('mime', '.eml').filter((name) => name.startsWith('talon-reply-')))(
    'keeps only the new text of the reply %s',
    async (name) => {
      const mail = await parseMail(readFileSync(new URL(`mime/${name}`, SHARED)));

      expect(replyText(mail.text)).toMatch(/^(Hello|Hi )/);
      expect(replyText(mail.text)).not.toMatch(/^>/m);
    },
  );
});

describe.runIf(!present)('shared fixtures', () => {
  it('are skipped: ../shared/fixtures does not exist here (it does in CI)', () => {
    expect(present).toBe(false);
  });
});
