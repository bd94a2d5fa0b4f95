import type { ReplayedStep, ReplayReport } from '../core/replay.ts';
import type { EvaluatedFile } from '../service/replay.ts';

/** `3 identical, 1 benign`: how many steps had each verdict, the ones that occur. */
export const describeVerdicts = (report: ReplayReport): string => {
  const counts = countVerdicts(report.steps);
  const parts = (['identical', 'benign', 'regression'] as const)
    .filter((verdict) => counts[verdict] > 0)
    .map((verdict) => `${counts[verdict]} ${verdict}`);
  return parts.length > 0 ? parts.join(', ') : 'with no steps to compare';
};

const countVerdicts = (steps: readonly ReplayedStep[]) => ({
  identical: steps.filter((step) => step.verdict === 'identical').length,
  benign: steps.filter((step) => step.verdict === 'benign').length,
  regression: steps.filter((step) => step.verdict === 'regression').length,
});

/** One step's line, and under it what changed. */
const describeStep = (step: ReplayedStep): string => {
  const lines = [`  #${String(step.seq).padEnd(4)} ${step.verdict.padEnd(11)} ${step.recorded}`];
  if (step.replayed !== step.recorded) lines.push(`${' '.repeat(20)}now: ${step.replayed}`);
  for (const detail of [...step.differences, ...step.requestChanges])
    lines.push(`${' '.repeat(20)}${detail}`);
  return lines.join('\n');
};

/** A replay for people: the verdict, then each step the reducer took. */
export const describeReport = (report: ReplayReport): string => {
  const uncompared = report.steps.some((step) => !step.requestsCompared)
    ? '\nmodel requests were not compared (the recording holds none): export the thread and replay the file to compare them'
    : '';
  const steps = report.steps.map(describeStep).join('\n');
  return `thread ${report.threadId}, agent ${report.agent}: ${report.verdict} (${describeVerdicts(report)})${uncompared}\n${steps}${steps ? '\n' : ''}`;
};

/** The table `threadline eval` prints: one row per file, then the steps that were not identical. */
export const evalTable = (results: readonly EvaluatedFile[]): string => {
  const rows = results.map((result) => {
    if (!result.ok) return [result.file, '-', '-', '-', '-', '-', 'error'];
    const counts = countVerdicts(result.report.steps);
    return [
      result.file,
      result.report.agent,
      String(result.report.steps.length),
      String(counts.identical),
      String(counts.benign),
      String(counts.regression),
      result.report.verdict,
    ];
  });
  const header = ['file', 'agent', 'steps', 'identical', 'benign', 'regression', 'verdict'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const details = results.flatMap((result) => {
    if (!result.ok) return [`${result.file}: ${result.error}`];
    const changed = result.report.steps.filter((step) => step.verdict !== 'identical');
    return changed.length > 0 ? [`${result.file}:`, ...changed.map(describeStep)] : [];
  });
  const unreadable = results.filter((result) => !result.ok).length;
  const regressed = results.filter((result) => result.ok && result.report.verdict === 'regression').length;
  const summary = `${results.length} threads: ${regressed} regressed, ${unreadable} could not be replayed`;
  return `${[line(header), ...rows.map(line), '', summary, ...(details.length > 0 ? ['', ...details] : [])].join('\n')}\n`;
};
