import { existsSync, readdirSync, readFileSync } from 'node:fs';

/**
 * Real inputs published by AWS and mail libraries (see ../shared/fixtures/SOURCES.md). They are
 * not the project's to copy, so tests read them where they are: present in CI, maybe not on a
 * laptop. Suites over them use `describe.skipIf(!hasSharedFixtures)`; test/lambdas/
 * shared-fixtures.test.ts says plainly when they were skipped, and fails when a kind of fixture
 * appears that no handler test reads.
 */
export const SHARED_FIXTURES = new URL('../../../shared/fixtures/', import.meta.url);

export const hasSharedFixtures = existsSync(SHARED_FIXTURES);

/** The names in one folder (e.g. `sqs`, `mime/reply-bodies`) that end in `suffix`, sorted. */
export const sharedFixtureNames = (folder: string, suffix: string): string[] => {
  const directory = new URL(`${folder}/`, SHARED_FIXTURES);
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
    .map((entry) => entry.name)
    .sort();
};

export const readSharedFixture = (folder: string, name: string): Buffer =>
  readFileSync(new URL(`${folder}/${name}`, SHARED_FIXTURES));

export const readSharedJson = (folder: string, name: string): unknown =>
  JSON.parse(readSharedFixture(folder, name).toString('utf-8'));
