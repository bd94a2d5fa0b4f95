import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../lib/infra/bundling-options.ts';
import { PROJECT_ROOT } from '../../lib/infra/handler-function.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';

const run = promisify(execFile);

/** A program that lists DynamoDB tables with the SDK's default credentials, as a handler's client does. */
const PROGRAM = `
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
const client = new DynamoDBClient({ endpoint: process.env.DYNAMO_ENDPOINT, region: 'us-east-1', maxAttempts: 1 });
try {
  const listed = await client.send(new ListTablesCommand({}));
  process.stdout.write(JSON.stringify({ tables: listed.TableNames }));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: error.message }));
}
`;

let dynamo: LocalDynamo;
let directory: string;
let bundle: string;
let metafile: Metafile;

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createThreadTable();
  directory = await mkdtemp(join(tmpdir(), 'threadline-bundled-credentials-'));
  const result = await build({
    ...esbuildOptions(false),
    stdin: { contents: PROGRAM, resolveDir: PROJECT_ROOT, loader: 'js', sourcefile: 'program.mjs' },
    outfile: join(directory, 'program.mjs'),
    absWorkingDir: PROJECT_ROOT,
    metafile: true,
    logLevel: 'silent',
  });
  metafile = result.metafile;
  bundle = join(directory, 'program.mjs');
});

afterAll(async () => {
  await dynamo.stop();
  await rm(directory, { recursive: true, force: true });
});

/** Runs the bundle in a fresh node process with only these variables. */
const runBundle = async (env: Record<string, string>): Promise<{ tables?: string[]; error?: string }> => {
  const { stdout } = await run(process.execPath, [bundle], {
    env: { PATH: process.env.PATH ?? '', DYNAMO_ENDPOINT: dynamo.endpoint, ...env },
  });
  return JSON.parse(stdout) as { tables?: string[]; error?: string };
};

describe('credentials in a bundled function', () => {
  it('carries none of the SDK’s other credential providers or their clients', () => {
    const inputs = Object.keys(metafile.inputs);
    expect(
      inputs.filter((input) => /credential-provider-(node|sso|ini|login|process)|nested-clients/.test(input)),
    ).toEqual([]);
    expect(inputs).toContain('lambdas/environment-credentials.ts');
  });

  it('signs with the role’s credentials Lambda puts in the environment', async () => {
    const answer = await runBundle({
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'session',
    });
    expect(answer.error).toBeUndefined();
    expect(answer.tables?.length).toBe(1);
  });

  it('says which variables are missing when there are none', async () => {
    const answer = await runBundle({});
    expect(answer.error).toMatch(/no AWS credentials: .*AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
  });
});
