import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { METADATA, PROJECT_ROOT } from '../lib/infra/handler-function.ts';
import { buildThreadlineApp, STACK_NAME } from '../lib/infra/synthesize.ts';
import { devContext } from '../lib/local/dev-context.ts';
import { type BenchOptions, type Section, table, verdict } from './section.ts';
import { percentile, round } from './stats.ts';

const run = promisify(execFile);

/** The esbuild options `HandlerFunction` gives NodejsFunction (lib/infra/handler-function.ts). */
export const STACK_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  // bundleAwsSDK: true — nothing is external.
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  outExtension: { '.js': '.mjs' },
  metafile: true,
  logLevel: 'silent',
};

/** Settings every handler reads at cold start; placeholders, as the local stack gives them. */
const ENVIRONMENT: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  THREAD_TABLE_NAME: 'threads',
  PAYLOAD_BUCKET_NAME: 'payloads',
  INGRESS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/ingress.fifo',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:Threadline-agent-loop',
  THREADLINE_MODEL: 'demo',
  TOOL_NAME: 'lookup_customer',
  APPROVAL_BASE_URL: 'https://example.com/approvals/',
  APPROVAL_SIGNING_SECRET: 'bench-signing-secret-bench-signing-secret',
  APPROVAL_TIMEOUT_SECONDS: '86400',
  INBOUND_DOMAIN: 'threadline.local',
  INBOUND_MAIL_PREFIX: 'mail/',
  INBOUND_AGENTS: '{}',
  POWERTOOLS_SERVICE_NAME: 'threadline',
};

const IMPORT_TIMER = `const started = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - started));`;

/** Milliseconds to import the bundle in a fresh node process (module evaluation, not node's own start). */
const coldImportMs = async (file: string): Promise<number | string> => {
  try {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', IMPORT_TIMER, file], {
      env: { ...process.env, ...ENVIRONMENT },
      timeout: 30_000,
    });
    return Number(stdout);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n').slice(0, 3).join(' ') : String(error);
    return `failed: ${message.slice(0, 200)}`;
  }
};

/** The largest inputs of a bundle, grouped by package (or `lib/`, `lambdas/`). */
const heaviest = (metafile: Metafile, output: string): { source: string; kb: number }[] => {
  const inputs = metafile.outputs[output]?.inputs ?? {};
  const byPackage = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const source = match?.[1] ?? path.split('/')[0] ?? path;
    byPackage.set(source, (byPackage.get(source) ?? 0) + bytesInOutput);
  }
  return [...byPackage.entries()]
    .sort((left, right) => right[1] - left[1])
    .slice(0, 5)
    .map(([source, bytes]) => ({ source, kb: round(bytes / 1024, 1) }));
};

/** A function of the synthesized template whose code is a bundle that synth wrote. */
interface SynthesizedFunction {
  name: string;
  entry: string;
  bundle: string;
}

/** Synthesizes the stack with bundling on, as `cdk synth` does, and finds each function's asset. */
const synthesizedFunctions = async (outdir: string): Promise<SynthesizedFunction[]> => {
  // Asset metadata, as the cdk CLI asks for it: each function names the folder of its bundle.
  const { app } = buildThreadlineApp({
    context: { ...devContext(), 'aws:cdk:enable-asset-metadata': true },
    outdir,
  });
  const template = app.synth().getStackByName(STACK_NAME).template as {
    Resources: Record<string, { Type: string; Metadata?: Record<string, unknown> }>;
  };
  const functions: SynthesizedFunction[] = [];
  for (const resource of Object.values(template.Resources)) {
    const metadata = resource.Metadata ?? {};
    const name = metadata[METADATA.name];
    const entry = metadata[METADATA.entry];
    const asset = metadata['aws:asset:path'];
    if (resource.Type !== 'AWS::Lambda::Function' || typeof name !== 'string') continue;
    if (typeof entry !== 'string' || typeof asset !== 'string')
      throw new Error(`function ${name} has no asset`);
    functions.push({ name, entry, bundle: join(outdir, asset, 'index.mjs') });
  }
  return functions.sort((left, right) => left.name.localeCompare(right.name));
};

/**
 * Benchmark 4: each function's bundle as `cdk synth` writes it, its size and cold import time. The
 * heaviest inputs come from an esbuild metafile of the same entry with the same options (synth
 * writes no metafile into the asset, which would ship it).
 */
export const runBundles = async (options: BenchOptions): Promise<Section> => {
  const outdir = await mkdtemp(join(tmpdir(), 'threadline-bench-bundles-'));
  const imports = options.quick ? 3 : 7;
  try {
    const functions = await synthesizedFunctions(join(outdir, 'cdk.out'));
    const rows = [];
    for (const fn of functions) {
      const sizeKb = round((await stat(fn.bundle)).size / 1024, 1);
      const samples: number[] = [];
      let failure: string | undefined;
      for (let attempt = 0; attempt < imports; attempt += 1) {
        const ms = await coldImportMs(fn.bundle);
        if (typeof ms === 'string') {
          failure = ms;
          break;
        }
        samples.push(ms);
      }
      samples.sort((left, right) => left - right);
      const analysis = await build({
        ...STACK_OPTIONS,
        entryPoints: [join(PROJECT_ROOT, fn.entry)],
        outdir: join(outdir, 'analysis', fn.name),
        absWorkingDir: PROJECT_ROOT,
      });
      const metafile: Metafile = analysis.metafile ?? { inputs: {}, outputs: {} };
      const output = Object.keys(metafile.outputs).find((key) => key.endsWith('.mjs')) ?? '';
      const target = fn.entry === 'lambdas/inbound-email.ts' ? 900 : 300;
      rows.push({
        function: fn.name,
        entry: fn.entry,
        sizeKb,
        targetKb: target,
        coldImportMedianMs: failure ? undefined : round(percentile(samples, 0.5), 1),
        ...(failure ? { importFailure: failure } : {}),
        heaviest: heaviest(metafile, output),
      });
    }
    const largest = Math.max(...rows.map((row) => row.sizeKb));
    const slowest = Math.max(...rows.map((row) => row.coldImportMedianMs ?? 0));
    const figures = {
      esbuild: STACK_OPTIONS,
      rows,
      largestKb: largest,
      slowestImportMs: slowest,
      targets: { sizeKb: 300, inboundEmailSizeKb: 900, importMs: 100 },
    };
    const markdown = [
      `Every function of the stack, its bundle read from the assets \`cdk synth\` wrote (\`HandlerFunction\`: ESM, node24, minified, AWS SDK bundled, createRequire banner). Import time: \`await import(bundle)\` in a fresh \`node\` process, median of ${imports}, placeholder environment. Each handler imports only the clients it calls (\`lambdas/base.ts\` plus the pieces it names), so the bundles differ by what they do.`,
      '',
      table(
        [
          'function',
          'entry',
          'size KB',
          'size target',
          'cold import ms',
          'import target ≤ 100 ms',
          'heaviest inputs (KB)',
        ],
        rows.map((row) => [
          row.function,
          row.entry,
          row.sizeKb,
          verdict(row.sizeKb, row.targetKb, ' KB'),
          row.coldImportMedianMs ?? row.importFailure ?? '',
          row.coldImportMedianMs === undefined ? 'not measured' : verdict(row.coldImportMedianMs, 100, ' ms'),
          row.heaviest.map((input) => `${input.source} ${input.kb}`).join(', '),
        ]),
      ),
    ].join('\n');
    return { id: 'bundles', title: '4. Lambda bundles', figures, markdown };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
};
