import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCoreSource, findCorePurityViolations, formatViolation } from '../scripts/core-purity.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const biome = join(root, 'node_modules', '.bin', 'biome');

/** Runs Biome in `cwd` over `paths`, and returns its exit code and what it reported. */
const runBiome = async (cwd: string, paths: string[]): Promise<{ code: number; output: string }> => {
  try {
    const { stdout, stderr } = await run(biome, ['lint', '--max-diagnostics=50', ...paths], { cwd });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
};

/** Lints files in a scratch copy of the project's own Biome config, and returns what it reported. */
const lint = async (files: Record<string, string>): Promise<{ code: number; output: string }> => {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(scratch, path)), { recursive: true });
    await writeFile(join(scratch, path), text);
  }
  return runBiome(scratch, Object.keys(files));
};

/** Both halves of `npm run check` over one lib/core file: Biome and the core purity check. */
const checkCore = async (name: string, lines: string[]): Promise<{ failed: boolean; output: string }> => {
  const path = `lib/core/${name}.ts`;
  const text = [...lines, ''].join('\n');
  const linted = await lint({ [path]: text });
  const violations = checkCoreSource(join(scratch, path), text, scratch);
  return {
    failed: linted.code !== 0 || violations.length > 0,
    output: [linted.output, ...violations.map(formatViolation)].join('\n'),
  };
};

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'threadline-lint-'));
  const config = JSON.parse(await readFile(join(root, 'biome.json'), 'utf8'));
  config.$schema = undefined;
  config.vcs = { enabled: false };
  await writeFile(join(scratch, 'biome.json'), JSON.stringify(config));
  await mkdir(join(scratch, 'lib', 'core'), { recursive: true });
  await writeFile(join(scratch, 'lib', 'core', 'events.ts'), 'export const EVENT = 1;\n');
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const IMPORTS_ONLY = 'lib/core may import only zod';
const CLOCK = 'time arrives through the Clock port';
const RANDOMNESS = 'ids and randomness arrive through the Ids port';
const TIMERS = 'timers belong in lib/adapters and lib/service';
const PROCESS = 'configuration arrives as arguments, never from the process';
const GLOBAL_THIS = 'never through globalThis';

/** One way out of a pure core per row: each file holds only that escape, and must fail alone. */
const ESCAPES: { name: string; lines: string[]; reported: string }[] = [
  { name: 'math-random', lines: ['export const roll = Math.random();'], reported: RANDOMNESS },
  { name: 'math-random-indexed', lines: ["export const roll = Math['random']();"], reported: RANDOMNESS },
  {
    name: 'math-random-destructured',
    lines: ['const { random } = Math;', 'export const roll = random();'],
    reported: RANDOMNESS,
  },
  { name: 'crypto-random-uuid', lines: ['export const id = crypto.randomUUID();'], reported: RANDOMNESS },
  { name: 'date-now', lines: ['export const at = Date.now();'], reported: CLOCK },
  { name: 'new-date', lines: ['export const at = new Date().toISOString();'], reported: CLOCK },
  { name: 'performance-now', lines: ['export const at = performance.now();'], reported: CLOCK },
  { name: 'global-this-date', lines: ['export const at = globalThis.Date.now();'], reported: GLOBAL_THIS },
  { name: 'global-date', lines: ['export const at = global.Date.now();'], reported: GLOBAL_THIS },
  {
    name: 'global-this-indexed',
    lines: ["export const at = globalThis['Date'].now();"],
    reported: GLOBAL_THIS,
  },
  {
    name: 'set-timeout',
    lines: ['export const later = (run: () => void) => setTimeout(run, 10);'],
    reported: TIMERS,
  },
  {
    name: 'set-interval',
    lines: ['export const often = (run: () => void) => setInterval(run, 10);'],
    reported: TIMERS,
  },
  {
    name: 'set-immediate',
    lines: ['export const soon = (run: () => void) => setImmediate(run);'],
    reported: TIMERS,
  },
  {
    name: 'queue-microtask',
    lines: ['export const soon = (run: () => void) => queueMicrotask(run);'],
    reported: TIMERS,
  },
  {
    name: 'abort-signal-timeout',
    lines: ['export const signal = AbortSignal.timeout(10);'],
    reported: TIMERS,
  },
  {
    name: 'process-env',
    lines: ['export const home = process.env.HOME;'],
    reported: 'lint/style/noProcessEnv',
  },
  { name: 'process-hrtime', lines: ['export const at = process.hrtime.bigint();'], reported: PROCESS },
  { name: 'fetch', lines: ["export const page = fetch('https://example.com');"], reported: 'network access' },
  {
    name: 'require',
    lines: ["export const fs = require('node:fs');"],
    reported: 'lint/style/noRestrictedGlobals',
  },
  {
    name: 'node-os',
    lines: ["import { hostname } from 'node:os';", 'export const host = hostname();'],
    reported: IMPORTS_ONLY,
  },
  {
    name: 'node-fs-bare',
    lines: ["import { readFileSync } from 'fs';", 'export const read = readFileSync;'],
    reported: IMPORTS_ONLY,
  },
  {
    name: 'aws-sdk',
    lines: [
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      'export const client = DynamoDBClient;',
    ],
    reported: IMPORTS_ONLY,
  },
  {
    name: 'lookalike-package',
    lines: ["import { parse } from 'zod-to-anything';", 'export const parts = parse;'],
    reported: IMPORTS_ONLY,
  },
  {
    name: 'type-only-node-import',
    lines: ["import type { Stats } from 'node:fs';", 'export type Info = Stats;'],
    reported: IMPORTS_ONLY,
  },
  { name: 're-export', lines: ["export { join } from 'node:path';"], reported: IMPORTS_ONLY },
  {
    name: 'import-type-node',
    lines: ["export type Info = import('node:fs').Stats;"],
    reported: IMPORTS_ONLY,
  },
  {
    name: 'adapters-import',
    lines: [
      "import { createStore } from '../adapters/dynamo-store.ts';",
      'export const store = createStore;',
    ],
    reported: IMPORTS_ONLY,
  },
  {
    name: 'adapters-import-through-dot',
    lines: [
      "import { createStore } from './../adapters/dynamo-store.ts';",
      'export const store = createStore;',
    ],
    reported: "'./../adapters/dynamo-store.ts' resolves outside lib/core",
  },
  {
    name: 'dynamic-import-node',
    lines: ["export const load = () => import('node:fs');"],
    reported: 'dynamic import() is not allowed',
  },
  {
    name: 'dynamic-import-core',
    lines: ["export const load = () => import('./events.ts');"],
    reported: 'dynamic import() is not allowed',
  },
  {
    name: 'import-meta',
    lines: ['export const here = import.meta.url;'],
    reported: 'may not read import.meta',
  },
  {
    name: 'triple-slash',
    lines: ['/// <reference types="node" />', 'export const one = 1;'],
    reported: "may not pull in 'node'",
  },
  {
    name: 'suppressed',
    lines: [
      '// biome-ignore lint/style/noRestrictedGlobals: reads the clock',
      'export const at = Date.now();',
    ],
    reported: 'may not suppress its purity rules',
  },
];

describe('the lint on lib/core', () => {
  it.each(ESCAPES)('fails on $name', async ({ name, lines, reported }) => {
    const result = await checkCore(`escape-${name}`, lines);

    expect(result.failed).toBe(true);
    expect(result.output).toContain(reported);
  });

  it('passes ordinary core code: zod, its subpaths, core files and pure globals', async () => {
    const result = await checkCore('ordinary', [
      "import * as z from 'zod';",
      "import type * as core from 'zod/v4/core';",
      "import { EVENT } from './events.ts';",
      "export { EVENT as FIRST } from './events.ts';",
      'export const Schema = z.object({ at: z.iso.datetime() });',
      'export type Check = core.$ZodType;',
      'export const largest = Math.max(EVENT, 2);',
      'export const text = JSON.stringify({ bytes: [...new TextEncoder().encode("é")] });',
      'export const stamp = (clock: { now(): string }): string => clock.now();',
    ]);

    expect(result.output).not.toContain('lib/core');
    expect(result.failed).toBe(false);
  });

  it('reports each violation of the import allowlist with its file, line and column', () => {
    const file = join(scratch, 'lib', 'core', 'located.ts');
    const text = ["import * as z from 'zod';", '', "export const load = () => import('node:fs');", ''].join(
      '\n',
    );

    const violations = checkCoreSource(file, text, scratch).map(formatViolation);

    expect(violations).toEqual([
      'lib/core/located.ts:3:27  lib/core may not load modules at run time: dynamic import() is not allowed.',
    ]);
  });

  it('allows a relative import that stays inside lib/core from a nested folder', () => {
    const file = join(scratch, 'lib', 'core', 'nested', 'inner.ts');
    const text = "import { EVENT } from '../events.ts';\nexport const again = EVENT;\n";

    expect(checkCoreSource(file, text, scratch)).toEqual([]);
  });

  it('finds the real lib/core clean under both Biome and the purity check', async () => {
    const linted = await runBiome(root, ['lib/core']);

    expect(await findCorePurityViolations(root)).toEqual([]);
    expect(linted.output).not.toContain('lint/');
    expect(linted.code).toBe(0);
  });
});

describe('the lint elsewhere', () => {
  it('allows I/O, AWS and process.env outside lib/core', async () => {
    const result = await lint({
      'lib/adapters/impure.ts': [
        "import { readFile } from 'node:fs/promises';",
        "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
        'export const parts = [readFile, DynamoDBClient, process.env.HOME, Date.now(), Math.random()];',
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
