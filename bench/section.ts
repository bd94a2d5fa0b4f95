/** One benchmark's outcome: figures for latest.json and a Markdown part for summary.md. */
export interface Section {
  id: string;
  title: string;
  figures: unknown;
  markdown: string;
}

export interface BenchOptions {
  quick: boolean;
}

/** A target check, worded for the summary: "met (0.04× ≤ 0.1×)" or "missed by 2.3×". */
export const verdict = (value: number, target: number, unit = ''): string =>
  value <= target
    ? `met (${value}${unit} ≤ ${target}${unit})`
    : `**missed** (${value}${unit} > ${target}${unit}, ${(value / target).toFixed(1)}× over)`;

export const verdictAtLeast = (value: number, target: number, unit = ''): string =>
  value >= target
    ? `met (${value}${unit} ≥ ${target}${unit})`
    : `**missed** (${value}${unit} < ${target}${unit}, ${(target / value).toFixed(1)}× short)`;

export const table = (header: readonly string[], rows: readonly (readonly (string | number)[])[]): string =>
  [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
