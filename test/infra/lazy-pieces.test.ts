import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { assetPackageJson, LAZY_PIECES } from '../../lib/infra/bundling-options.ts';
import { HandlerFunction, PROJECT_ROOT } from '../../lib/infra/handler-function.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import { type LocalS3, startS3StandIn } from '../support/s3-stand-in.ts';

const run = promisify(execFile);

let dynamo: LocalDynamo;
let s3: LocalS3;
let outdir: string;
let asset: string;

/** The probe function, bundled as synth bundles every function of the stack. */
const synthesizeProbe = (): string => {
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'Probe');
  const probe = new HandlerFunction(stack, 'Probe', {
    name: 'probe',
    entry: 'test/fixtures/bundles/large-payload.ts',
    description: 'appends and reads back one large event',
    timeout: Duration.seconds(30),
    logRetention: logs.RetentionDays.ONE_DAY,
  });
  const resource = probe.function.node.defaultChild;
  const path = CfnResource.isCfnResource(resource) ? resource.getMetadata('aws:asset:path') : undefined;
  app.synth();
  if (typeof path !== 'string') throw new Error('the probe has no asset');
  return join(outdir, path);
};

beforeAll(async () => {
  [dynamo, s3] = await Promise.all([startDynalite(), startS3StandIn()]);
  outdir = await mkdtemp(join(tmpdir(), 'threadline-lazy-pieces-'));
  asset = synthesizeProbe();
}, 120_000);

afterAll(async () => {
  await Promise.all([dynamo.stop(), s3.stop()]);
  await rm(outdir, { recursive: true, force: true });
});

describe('lazy pieces', () => {
  it('are the entries of the project’s import map, so sources and bundles name the same files', async () => {
    const { imports } = z
      .object({ imports: z.record(z.string(), z.string()) })
      .parse(JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')));
    expect(imports).toEqual(
      Object.fromEntries(Object.entries(LAZY_PIECES).map(([name, piece]) => [name, `./${piece.entry}`])),
    );
  });

  it('are written beside the bundle, with the package.json that maps their names', async () => {
    expect(JSON.parse(await readFile(join(asset, 'package.json'), 'utf8'))).toEqual(assetPackageJson());
    const bundle = await readFile(join(asset, 'index.mjs'), 'utf8');
    const piece = await readFile(join(asset, 's3-piece.mjs'), 'utf8');
    expect(bundle).toContain('#s3-piece');
    // Operation names are strings the minifier keeps: S3's are in the piece alone.
    expect(bundle).not.toContain('PutObject');
    expect(piece).toContain('PutObject');
  });

  it('load when first used: the bundled function stores a large event through S3 and reads it back', async () => {
    const tableName = await dynamo.createThreadTable();
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { handler } = await import(process.argv[1]); process.stdout.write(String(await handler({ threadId: 'large-1', bytes: 200000 })));`,
        join(asset, 'index.mjs'),
      ],
      {
        env: {
          PATH: process.env.PATH ?? '',
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
          AWS_ENDPOINT_URL_S3: s3.endpoint,
          THREAD_TABLE_NAME: tableName,
          PAYLOAD_BUCKET_NAME: 'payloads',
        },
      },
    );

    expect(stdout).toBe('200000');
    expect([...s3.objects.keys()].filter((key) => key.startsWith('payloads/threads/large-1/'))).toHaveLength(
      1,
    );
  });
});
