import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { esbuildOptions } from '../lib/infra/bundling-options.ts';
import { PROJECT_ROOT } from '../lib/infra/handler-function.ts';
import { type ColdImport, coldImports, heaviest, sizeKb } from './bundle-measure.ts';
import { table, verdict } from './section.ts';

/**
 * The smallest bundles that still do a function's job, built with the stack's settings: a module
 * of the project that does only that job, and nothing of the handler around it. When one of
 * these is over a target, no handler that does the job can meet it with the same inputs, and its
 * heaviest inputs say which package holds the target out of reach.
 */
const FLOORS = [
  {
    job: 'read and append threads (every function but redrive): the DynamoDB thread store alone',
    entry: 'lib/adapters/dynamo-thread-store.ts',
    targetKb: 300,
  },
  {
    job: 'read a received mail (inbound-email): the MIME parser alone',
    entry: 'lib/adapters/mime-mail.ts',
    targetKb: 900,
  },
  {
    job: 'the tool function with `@aws-sdk/*` and `@smithy/*` external, loaded from node_modules as the runtime’s copy would be',
    entry: 'lambdas/tool.ts',
    targetKb: 300,
    sdkExternal: true,
  },
] as const;

export interface FloorRow extends ColdImport {
  job: string;
  entry: string;
  sizeKb: number;
  targetKb: number;
  heaviest: { source: string; kb: number }[];
}

/** Builds and imports each floor bundle under `outdir`, `imports` times each. */
export const measureFloors = async (outdir: string, imports: number): Promise<FloorRow[]> => {
  // A bundle with the SDK external finds it the way a function finds the runtime's copy: in a
  // node_modules folder above it, here the project's own.
  await symlink(join(PROJECT_ROOT, 'node_modules'), join(outdir, 'node_modules'), 'dir');
  const rows: FloorRow[] = [];
  const stack = esbuildOptions(false);
  for (const [index, floor] of FLOORS.entries()) {
    const options: BuildOptions = {
      ...stack,
      ...('sdkExternal' in floor ? { external: [...(stack.external ?? []), '@aws-sdk/*', '@smithy/*'] } : {}),
      entryPoints: { index: join(PROJECT_ROOT, floor.entry) },
      outdir: join(outdir, `floor-${index}`),
      absWorkingDir: PROJECT_ROOT,
      metafile: true,
      logLevel: 'silent',
    };
    const result = await build(options);
    const metafile: Metafile = result.metafile ?? { inputs: {}, outputs: {} };
    const output = Object.keys(metafile.outputs).find((key) => key.endsWith('.mjs')) ?? '';
    const bundle = join(outdir, `floor-${index}`, 'index.mjs');
    rows.push({
      job: floor.job,
      entry: floor.entry,
      sizeKb: await sizeKb(bundle),
      targetKb: floor.targetKb,
      ...(await coldImports(bundle, imports)),
      heaviest: heaviest(metafile, output),
    });
  }
  return rows;
};

/** The floors as a Markdown table, each size and import against its function's target. */
export const floorsTable = (rows: readonly FloorRow[]): string =>
  table(
    [
      'smallest bundle that does the job',
      'entry',
      'size KB',
      'size target',
      'cold import ms (CPU ms)',
      'heaviest inputs (KB)',
    ],
    rows.map((row) => [
      row.job,
      row.entry,
      row.sizeKb,
      verdict(row.sizeKb, row.targetKb, ' KB'),
      row.medianMs === undefined ? (row.failure ?? '') : `${row.medianMs} (${row.cpuMedianMs})`,
      row.heaviest.map((input) => `${input.source} ${input.kb}`).join(', '),
    ]),
  );
