import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runReliability } from './reliability.ts';
import type { BenchOptions, Section } from './section.ts';

// The SDK's notice that Node 20 support ends says nothing about what is measured; it is set before
// any SDK client loads, which is why the benchmarks are imported below and not at the top.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { runBundles } = await import('./bundles.ts');
const { runContext } = await import('./context.ts');
const { runCost } = await import('./cost.ts');
const { runGrowth } = await import('./growth.ts');
const { runOverhead } = await import('./overhead.ts');
const { runThroughput } = await import('./throughput.ts');

/**
 * `npm run bench [-- --quick] [-- --only overhead,context]`: runs the benchmarks in order and writes
 * bench/results/latest.json and bench/results/summary.md. Figures are ratios and rates measured on
 * this machine; nothing here is asserted by `npm test`.
 */
const BENCHMARKS: Record<string, (options: BenchOptions) => Promise<Section>> = {
  overhead: runOverhead,
  context: runContext,
  growth: runGrowth,
  bundles: runBundles,
  cost: runCost,
  throughput: runThroughput,
  reliability: runReliability,
};

const args = process.argv.slice(2);
const options: BenchOptions = { quick: args.includes('--quick') };
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? (args[onlyIndex + 1] ?? '').split(',') : Object.keys(BENCHMARKS);
const command = `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;

const sections: Section[] = [];
const started = Date.now();
for (const id of only) {
  const bench = BENCHMARKS[id];
  if (!bench)
    throw new Error(`no benchmark named ${id}; the benchmarks are: ${Object.keys(BENCHMARKS).join(', ')}`);
  const sectionStarted = Date.now();
  process.stderr.write(`bench ${id} …\n`);
  const section = await bench(options);
  process.stderr.write(`bench ${id} done in ${((Date.now() - sectionStarted) / 1000).toFixed(1)} s\n`);
  sections.push(section);
}

const machine = {
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
};
const latest = {
  command,
  quick: options.quick,
  at: new Date().toISOString(),
  seconds: Math.round((Date.now() - started) / 100) / 10,
  machine,
  results: Object.fromEntries(sections.map((section) => [section.id, section.figures])),
};
const summary = [
  '# threadline benchmarks',
  '',
  `Produced by \`${command}\` on ${latest.at} (${latest.seconds} s). Node ${machine.node}, ${machine.platform}, ${machine.cpus}, ${machine.memoryGb} GB.`,
  'Absolute times depend on the machine; compare the ratios. Raw figures: [latest.json](latest.json).',
  '',
  ...sections.flatMap((section) => [`## ${section.title}`, '', section.markdown, '']),
].join('\n');

const directory = join(fileURLToPath(new URL('.', import.meta.url)), 'results');
await mkdir(directory, { recursive: true });
await writeFile(join(directory, 'latest.json'), `${JSON.stringify(latest, null, 2)}\n`);
await writeFile(join(directory, 'summary.md'), summary);
process.stderr.write(`wrote ${join(directory, 'summary.md')} and latest.json\n`);
