import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { esbuildOptions, LAZY_PIECES } from '../lib/infra/bundling-options.ts';
import { METADATA, PROJECT_ROOT } from '../lib/infra/handler-function.ts';
import { buildThreadlineApp, STACK_NAME } from '../lib/infra/synthesize.ts';
import { devContext } from '../lib/local/dev-context.ts';
import { floorsTable, measureFloors } from './bundle-floors.ts';
import { coldImports, heaviest, sizeKb } from './bundle-measure.ts';
import { type BenchOptions, type Section, table, verdict } from './section.ts';
import { round } from './stats.ts';

/** The esbuild options `HandlerFunction` gives NodejsFunction (lib/infra/bundling-options.ts). */
export const stackOptions = (reachesToolServers: boolean): BuildOptions => ({
  ...esbuildOptions(reachesToolServers),
  metafile: true,
  logLevel: 'silent',
});

/** A function of the synthesized template whose code is a bundle that synth wrote. */
interface SynthesizedFunction {
  name: string;
  entry: string;
  bundle: string;
  /** Its bundle carries the MCP client. */
  reachesToolServers: boolean;
}

/** The lazy pieces synth wrote beside a bundle: loaded on first use, not at a cold start. */
const piecesKb = async (bundle: string): Promise<number> => {
  let total = 0;
  for (const piece of Object.values(LAZY_PIECES)) total += await sizeKb(join(dirname(bundle), piece.file));
  return round(total, 1);
};

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
    functions.push({
      name,
      entry,
      bundle: join(outdir, asset, 'index.mjs'),
      reachesToolServers: metadata[METADATA.toolServers] === true,
    });
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
      const imported = await coldImports(fn.bundle, imports);
      const analysis = await build({
        ...stackOptions(fn.reachesToolServers),
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
        sizeKb: await sizeKb(fn.bundle),
        firstUseKb: await piecesKb(fn.bundle),
        targetKb: target,
        coldImportMedianMs: imported.medianMs,
        coldImportCpuMedianMs: imported.cpuMedianMs,
        ...(imported.failure ? { importFailure: imported.failure } : {}),
        heaviest: heaviest(metafile, output),
      });
    }
    await mkdir(join(outdir, 'floors'));
    const floors = await measureFloors(join(outdir, 'floors'), imports);
    const largest = Math.max(...rows.map((row) => row.sizeKb));
    const slowest = Math.max(...rows.map((row) => row.coldImportMedianMs ?? 0));
    const figures = {
      esbuild: stackOptions(false),
      rows,
      floors,
      largestKb: largest,
      slowestImportMs: slowest,
      targets: { sizeKb: 300, inboundEmailSizeKb: 900, importMs: 100 },
    };
    const markdown = [
      `Every function of the stack, its bundle read from the assets \`cdk synth\` wrote (\`HandlerFunction\` with lib/infra/bundling-options.ts: ESM, node24, minified, UTF-8 text, one copy of libmime, AWS SDK bundled, createRequire banner). Import time: \`await import(bundle)\` in a fresh \`node\` process, median of ${imports}, placeholder environment; the CPU time (user + system) of the same imports is beside it, as wall time on a shared machine also counts the other processes. Each handler imports only the clients it calls (\`lambdas/base.ts\` plus the pieces it names), and the S3 client of the thread store's payload store only when a body is over 64 KB: it is a lazy piece, a file of its own beside the bundle (\`LAZY_PIECES\`), loaded on that first use and not at a cold start, whose size is the \`lazy pieces\` column. The MCP client is bundled only into a function that reaches a server an agent names (\`lambdas/tool-servers-piece.ts\`); the example agents name none, so no function here carries it.`,
      '',
      table(
        [
          'function',
          'entry',
          'size KB',
          'size target',
          'lazy pieces KB',
          'cold import ms (CPU ms)',
          'import target ≤ 100 ms',
          'heaviest inputs (KB)',
        ],
        rows.map((row) => [
          row.function,
          row.entry,
          row.sizeKb,
          verdict(row.sizeKb, row.targetKb, ' KB'),
          row.firstUseKb,
          row.coldImportMedianMs === undefined
            ? (row.importFailure ?? '')
            : `${row.coldImportMedianMs} (${row.coldImportCpuMedianMs})`,
          row.coldImportMedianMs === undefined ? 'not measured' : verdict(row.coldImportMedianMs, 100, ' ms'),
          row.heaviest.map((input) => `${input.source} ${input.kb}`).join(', '),
        ]),
      ),
      '',
      "The smallest bundles that still do a job, built and imported the same way. A floor over its target means no handler doing that job meets the target with these inputs; its heaviest inputs hold it. The last row is the AWS SDK left to the Lambda runtime instead of bundled: the SDK then loads from node_modules (standing in for the runtime's copy, which is not on this machine), and its import time counts that load.",
      '',
      floorsTable(floors),
    ].join('\n');
    return { id: 'bundles', title: '4. Lambda bundles', figures, markdown };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
};
