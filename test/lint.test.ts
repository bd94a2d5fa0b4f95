import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const biome = join(root, 'node_modules', '.bin', 'biome');

/** Lints files in a scratch copy of the project's own Biome config, and returns what it reported. */
const lint = async (files: Record<string, string>): Promise<{ code: number; output: string }> => {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(scratch, path)), { recursive: true });
    await writeFile(join(scratch, path), text);
  }
  try {
    const { stdout, stderr } = await run(biome, ['lint', '--max-diagnostics=50', ...Object.keys(files)], {
      cwd: scratch,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
};

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'threadline-lint-'));
  const config = JSON.parse(await readFile(join(root, 'biome.json'), 'utf8'));
  config.$schema = undefined;
  config.vcs = { enabled: false };
  await writeFile(join(scratch, 'biome.json'), JSON.stringify(config));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('the lint', () => {
  it('fails when lib/core imports I/O, AWS or reads process.env', async () => {
    const result = await lint({
      'lib/core/impure.ts': [
        "import { readFile } from 'node:fs/promises';",
        "import { createServer } from 'node:http';",
        "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
        'export const parts = [readFile, createServer, DynamoDBClient, process.env.HOME, Date.now()];',
        '',
      ].join('\n'),
    });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('file access belongs in lib/adapters');
    expect(result.output).toContain('network access belongs in lib/adapters');
    expect(result.output).toContain('AWS clients belong in lib/adapters');
    expect(result.output).toContain('lint/style/noProcessEnv');
    expect(result.output).toContain('time arrives through the Clock port');
  });

  it('allows the same imports outside lib/core', async () => {
    const result = await lint({
      'lib/adapters/impure.ts': [
        "import { readFile } from 'node:fs/promises';",
        "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
        'export const parts = [readFile, DynamoDBClient, process.env.HOME];',
        '',
      ].join('\n'),
    });
    expect(result.output).not.toContain('noRestrictedImports');
    expect(result.code).toBe(0);
  });

  it('fails on a floating promise anywhere', async () => {
    const result = await lint({
      'lib/adapters/floating.ts': [
        'const save = async (): Promise<number> => 1;',
        'export const handle = (): void => {',
        '  save();',
        '};',
        '',
      ].join('\n'),
    });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('lint/nursery/noFloatingPromises');
  });
});
