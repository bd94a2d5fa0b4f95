import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMail } from '../../lib/adapters/mime-mail.ts';
import { esbuildOptions } from '../../lib/infra/bundling-options.ts';
import { PROJECT_ROOT } from '../../lib/infra/handler-function.ts';
import { hasSharedFixtures, SHARED_FIXTURES, sharedFixtureNames } from '../support/shared-fixtures.ts';

const run = promisify(execFile);
const OWN_MIME = fileURLToPath(new URL('../fixtures/mime/', import.meta.url));

/** A mail whose text body is `bytes` in `charset`, sent 8bit as mail clients do. */
const mailIn = (charset: string, bytes: readonly number[]): Buffer =>
  Buffer.concat([
    Buffer.from(
      `From: Ana <ana@example.com>\r\nTo: billing@example.com\r\nSubject: ${charset}\r\nMessage-ID: <${charset}@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=${charset}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`,
    ),
    Buffer.from(bytes),
    Buffer.from('\r\n'),
  ]);

/** Bodies in the charsets whose tables the bundle carries, and the text each decodes to. */
const CHARSET_MAILS: [string, Buffer, string][] = [
  ['iso-8859-1', mailIn('iso-8859-1', [0x47, 0x72, 0xfc, 0xdf, 0x65]), 'Grüße'],
  ['windows-1251', mailIn('windows-1251', [0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]), 'Привет'],
  ['gbk', mailIn('gbk', [0xd6, 0xd0, 0xce, 0xc4]), '中文'],
  ['big5', mailIn('big5', [0xa4, 0xa4, 0xa4, 0xe5]), '中文'],
  ['shift_jis', mailIn('shift_jis', [0x93, 0xfa, 0x96, 0x7b]), '日本'],
  ['euc-kr', mailIn('euc-kr', [0xc7, 0xd1, 0xb1, 0xb9]), '한국'],
  [
    'iso-2022-jp',
    mailIn('iso-2022-jp', [0x1b, 0x24, 0x42, 0x46, 0x7c, 0x4b, 0x5c, 0x1b, 0x28, 0x42]),
    '日本',
  ],
];

const PARSE_ALL = `const { parseMail } = await import(process.argv[1]);
const { readFile } = await import('node:fs/promises');
const parsed = [];
for (const file of process.argv.slice(2)) parsed.push(await parseMail(await readFile(file)));
process.stdout.write(JSON.stringify(parsed));`;

let directory: string;
let bundle: string;
let metafile: Metafile;

/** What the bundled parser reads from each file, in a fresh node process, as Lambda runs it. */
const parseBundled = async (files: readonly string[]): Promise<unknown[]> => {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', PARSE_ALL, bundle, ...files], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as unknown[];
};

const parseInProcess = async (files: readonly string[]): Promise<unknown[]> => {
  const parsed = [];
  for (const file of files) parsed.push(JSON.parse(JSON.stringify(await parseMail(await readFile(file)))));
  return parsed;
};

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'threadline-bundled-mail-'));
  const result = await build({
    ...esbuildOptions(false),
    entryPoints: { index: join(PROJECT_ROOT, 'lib/adapters/mime-mail.ts') },
    outdir: directory,
    absWorkingDir: PROJECT_ROOT,
    metafile: true,
    logLevel: 'silent',
  });
  metafile = result.metafile;
  bundle = join(directory, 'index.mjs');
  for (const [name, raw] of CHARSET_MAILS) await writeFile(join(directory, `${name}.eml`), raw);
}, 60_000);

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('the mail parser as the stack bundles it', () => {
  it('carries one copy of libmime, though mailparser imports its ESM build and mailsplit requires its CommonJS one', () => {
    const copies = Object.keys(metafile.inputs)
      .filter((path) => /node_modules\/libmime\/dist\/[^/]+\/libmime\.js$/.test(path))
      .map((path) => path.replace(/.*node_modules\//, ''));

    expect(copies).toHaveLength(1);
  });

  it.each(CHARSET_MAILS)(
    'decodes a %s body to the same text as the unbundled parser',
    async (name, _, text) => {
      const file = join(directory, `${name}.eml`);

      const [bundled] = await parseBundled([file]);
      const [inProcess] = await parseInProcess([file]);

      expect(bundled).toMatchObject({ text: expect.stringContaining(text) });
      expect(bundled).toEqual(inProcess);
    },
    30_000,
  );

  it('reads every mail of the project’s MIME fixtures exactly as the unbundled parser does', async () => {
    const files = (await readdir(OWN_MIME))
      .filter((name) => name.endsWith('.eml'))
      .map((name) => join(OWN_MIME, name));

    expect(files.length).toBeGreaterThan(0);
    expect(await parseBundled(files)).toEqual(await parseInProcess(files));
  }, 60_000);

  describe.skipIf(!hasSharedFixtures)(
    'over ../shared/fixtures/mime (skipped when that folder is absent)',
    () => {
      it('reads every shared mail (ISO-8859-1, windows-1251, HTML-only …) exactly as the unbundled parser does', async () => {
        const folder = fileURLToPath(new URL('mime/', SHARED_FIXTURES));
        const files = sharedFixtureNames('mime', '.eml').map((name) => join(folder, name));

        expect(await parseBundled(files)).toEqual(await parseInProcess(files));
      }, 60_000);
    },
  );
});
