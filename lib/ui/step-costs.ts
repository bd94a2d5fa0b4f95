import type { Event } from '../core/events.ts';

/** One model step and what it cost, with the thread's running total after it. */
export interface StepCost {
  seq: number;
  /** The tool the model chose, or '' when it wrote text instead. */
  tool: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  cumulativeUsd: number;
}

/** The model steps of a thread, in order, each with the $ spent up to and including it. */
export const stepCostsOf = (events: readonly Event[]): StepCost[] => {
  const steps: StepCost[] = [];
  let cumulativeUsd = 0;
  for (const event of events) {
    if (event.type !== 'model-step') continue;
    const { tool, model, usage, costUsd } = event.data;
    cumulativeUsd += costUsd;
    steps.push({ seq: event.seq, tool, model, ...usage, costUsd, cumulativeUsd });
  }
  return steps;
};

export const tokensOf = (step: StepCost): number => step.inputTokens + step.outputTokens;
