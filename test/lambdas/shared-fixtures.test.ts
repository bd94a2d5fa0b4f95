import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasSharedFixtures, SHARED_FIXTURES } from '../support/shared-fixtures.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** Each kind of shared fixture (a folder and how its files end), and the test that reads it. */
const READERS: { folder: string; suffix: string; test: string }[] = [
  { folder: 'apigw-v1', suffix: '.json', test: 'test/api/auth.test.ts' },
  { folder: 'apigw-v2', suffix: '.json', test: 'test/api/auth.test.ts' },
  { folder: 'sqs', suffix: '.json', test: 'test/lambdas/ingest.shared-fixtures.test.ts' },
  { folder: 'scheduler', suffix: '.json', test: 'test/lambdas/ingest.shared-fixtures.test.ts' },
  { folder: 'ses', suffix: '.json', test: 'test/lambdas/inbound-email.shared-fixtures.test.ts' },
  { folder: 'ses', suffix: '.published.txt', test: 'test/lambdas/inbound-email.shared-fixtures.test.ts' },
  { folder: 'mime', suffix: '.eml', test: 'test/lambdas/inbound-email.shared-fixtures.test.ts' },
  { folder: 'mime/reply-bodies', suffix: '.txt', test: 'test/lambdas/inbound-email.shared-fixtures.test.ts' },
];

/** What the folder holds besides fixtures: where they come from, and their licences. */
const isAboutFixtures = (path: string): boolean =>
  path === 'SOURCES.md' || path === '.gitattributes' || path.startsWith('LICENSES/');

const fixturePaths = (): string[] =>
  readdirSync(SHARED_FIXTURES, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(fileURLToPath(SHARED_FIXTURES), join(entry.parentPath, entry.name)))
    .map((path) => path.split('\\').join('/'))
    .filter((path) => !isAboutFixtures(path))
    .sort();

const readerOf = (path: string) => {
  const slash = path.lastIndexOf('/');
  const folder = path.slice(0, slash);
  const name = path.slice(slash + 1);
  return READERS.filter((reader) => reader.folder === folder && name.endsWith(reader.suffix)).at(-1);
};

describe('the shared fixtures in ../shared/fixtures', () => {
  it('are each read by a handler test', (context) => {
    context.skip(
      !hasSharedFixtures,
      '../shared/fixtures is not here (it is in CI): the tests over it skipped',
    );

    const unread = fixturePaths().filter((path) => readerOf(path) === undefined);

    expect(unread, 'fixtures no test reads: add them to a handler test and to READERS').toEqual([]);
  });

  it.for(READERS)(
    'hold files in $folder ending in $suffix, read by $test',
    ({ folder, suffix, test }, context) => {
      context.skip(
        !hasSharedFixtures,
        '../shared/fixtures is not here (it is in CI): the tests over it skipped',
      );
      const source = readFileSync(join(ROOT, test), 'utf-8');

      const read = fixturePaths().filter((path) => {
        const reader = readerOf(path);
        return reader?.folder === folder && reader.suffix === suffix;
      });

      expect(read.length, `no ${suffix} file in ${folder}: has the folder moved?`).toBeGreaterThan(0);
      expect(source).toContain(`sharedFixtureNames('${folder}', '${suffix}')`);
    },
  );
});
