import { performance } from 'node:perf_hooks';

export interface Timing {
  /** Milliseconds, per unit (an agent step, a thread …). */
  medianMs: number;
  p95Ms: number;
  samples: number;
}

export const percentile = (sorted: readonly number[], fraction: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
};

export const summarize = (samples: readonly number[]): Timing => {
  const sorted = [...samples].sort((left, right) => left - right);
  return {
    medianMs: round(percentile(sorted, 0.5)),
    p95Ms: round(percentile(sorted, 0.95)),
    samples: sorted.length,
  };
};

/** Runs `once` `warmup` times unmeasured, then `iterations` times; each sample is ms per unit. */
export const measure = async (
  once: () => Promise<void>,
  options: { warmup: number; iterations: number; unitsPerRun: number },
): Promise<Timing> => {
  for (let run = 0; run < options.warmup; run += 1) await once();
  const samples: number[] = [];
  for (let run = 0; run < options.iterations; run += 1) {
    const started = performance.now();
    await once();
    samples.push((performance.now() - started) / options.unitsPerRun);
  }
  return summarize(samples);
};

export const round = (value: number, digits = 4): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

export const ratio = (ours: number, theirs: number): number => round(ours / theirs, 3);
