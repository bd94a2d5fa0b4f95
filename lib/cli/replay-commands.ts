import { stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { readExportedThread, writeExportedThread } from '../adapters/exported-thread-files.ts';
import { replayExported } from '../core/exported-thread.ts';
import { type ReplayReport, worstVerdict } from '../core/replay.ts';
import { agentOf } from '../service/deps.ts';
import { evaluateFolder, exportStoredThread, replayStoredThread } from '../service/replay.ts';
import { type CliIo, EXIT, UsageError } from './io.ts';
import { describeReport, describeVerdicts, evalTable } from './replay-report.ts';
import type { Runtime } from './runtime.ts';

/** 0 when nothing regressed; a regression has its own code, so scripts can tell it from a crash. */
const exitFor = (reports: readonly ReplayReport[]): number =>
  worstVerdict(reports.map((report) => report.verdict)) === 'regression' ? EXIT.regressed : EXIT.ok;

/** `threadline replay <thread-id | file.json>`: the current code over one recorded thread. */
export const replayCommand = async (
  runtime: Runtime,
  target: string,
  json: boolean,
  io: CliIo,
): Promise<number> => {
  const report = target.endsWith('.json')
    ? await replayFile(runtime, resolve(io.cwd, target))
    : await replayStoredThread(target, runtime);
  io.stdout.write(json ? `${JSON.stringify(report)}\n` : describeReport(report));
  return exitFor([report]);
};

const replayFile = async (runtime: Runtime, file: string): Promise<ReplayReport> => {
  const exported = await readExportedThread(file);
  return replayExported(exported, agentOf(runtime, exported.thread));
};

/** A path as the user would type it from here, or in full when it lies outside. */
const shortPath = (cwd: string, file: string): string => {
  const path = relative(cwd, file);
  return path.startsWith('..') ? file : path;
};

/** `threadline export <thread-id>… [--out <folder>]`: one JSON file per thread. */
export const exportCommand = async (
  runtime: Runtime,
  threadIds: readonly string[],
  options: { out?: string; json: boolean },
  io: CliIo,
): Promise<number> => {
  const folder = resolve(io.cwd, options.out ?? '.');
  const written: { threadId: string; file: string; verdict: ReplayReport['verdict'] }[] = [];
  const reports: ReplayReport[] = [];
  for (const threadId of threadIds) {
    const { exported, report } = await exportStoredThread(threadId, runtime);
    const file = await writeExportedThread(folder, exported);
    written.push({ threadId, file, verdict: report.verdict });
    reports.push(report);
    if (!options.json) {
      io.stdout.write(
        `exported ${threadId} to ${shortPath(io.cwd, file)} (${report.steps.length} steps; the current code replays it ${describeVerdicts(report)})\n`,
      );
    }
  }
  if (options.json) io.stdout.write(`${JSON.stringify(written)}\n`);
  return exitFor(reports);
};

/** `threadline eval <folder>`: every exported thread in the folder, replayed, as a table. */
export const evalCommand = async (
  runtime: Runtime,
  folder: string,
  jsonOutput: boolean,
  io: CliIo,
): Promise<number> => {
  const path = resolve(io.cwd, folder);
  const found = await stat(path).catch(() => undefined);
  if (!found?.isDirectory())
    throw new UsageError(`eval needs a folder of exported threads; ${folder} is not a folder`);
  const results = await evaluateFolder(path, runtime.agents);
  const reports = results.flatMap((result) => (result.ok ? [result.report] : []));
  const regressed = exitFor(reports) !== EXIT.ok;
  const unreadable = results.some((result) => !result.ok);
  const verdict = regressed
    ? 'regression'
    : unreadable
      ? 'error'
      : worstVerdict(reports.map((report) => report.verdict));
  if (jsonOutput) {
    const files = results.map((result) => ({ ...result, file: relative(path, result.file) }));
    io.stdout.write(`${JSON.stringify({ verdict, files })}\n`);
  } else {
    io.stdout.write(evalTable(results.map((result) => ({ ...result, file: relative(path, result.file) }))));
  }
  if (regressed) return EXIT.regressed;
  return unreadable ? EXIT.error : EXIT.ok;
};
