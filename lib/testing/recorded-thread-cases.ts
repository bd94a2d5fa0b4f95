import { basename } from 'node:path';
import { listExportedThreadFiles, readExportedThread } from '../adapters/exported-thread-files.ts';
import type { Agent } from '../core/agent.ts';
import type { Event } from '../core/events.ts';
import { replayExported } from '../core/exported-thread.ts';
import type { ReplayedStep, ReplayReport } from '../core/replay.ts';
import { findReplayPoints } from '../core/replay-points.ts';

/** One test a recorded thread makes: a title, and a check that throws when it fails. */
export interface RecordedThreadCase {
  title: string;
  check(): Promise<void>;
}

/** The cases of one exported file, under its name. */
export interface RecordedThreadFile {
  name: string;
  cases: RecordedThreadCase[];
}

export interface RecordedThreadOptions {
  /** Fail on a `regression` only (the default), or on a `benign` change too. */
  failOn?: 'regression' | 'benign';
}

export type AgentsByName = ReadonlyMap<string, Agent> | readonly Agent[];

const isAgentList = (agents: AgentsByName): agents is readonly Agent[] => Array.isArray(agents);

const byName = (agents: AgentsByName): ReadonlyMap<string, Agent> =>
  isAgentList(agents) ? new Map(agents.map((agent) => [agent.name, agent])) : agents;

const failing = (title: string, error: unknown): RecordedThreadCase => ({
  title,
  check: async () => {
    throw error instanceof Error ? error : new Error(String(error));
  },
});

/** What a failed step says: what the recording did, what the code does now, and why. */
export const explainStep = (step: ReplayedStep): string =>
  [
    `#${step.seq} ${step.verdict}`,
    `recorded: ${step.recorded}`,
    `now:      ${step.replayed}`,
    ...step.differences,
    ...step.requestChanges,
  ].join('\n');

/**
 * The tests a folder of exported threads makes: per file, one per step the reducer took, each
 * failing when the current code decides that step differently. A file that cannot be read, or
 * names an agent not given, is one failing case, never a silent skip.
 */
export const recordedThreadCases = async (
  folder: string,
  agents: AgentsByName,
  options: RecordedThreadOptions = {},
): Promise<RecordedThreadFile[]> => {
  const agentsByName = byName(agents);
  const failOn = options.failOn ?? 'regression';
  const files: RecordedThreadFile[] = [];
  for (const file of await listExportedThreadFiles(folder)) {
    const name = basename(file);
    let exported: Awaited<ReturnType<typeof readExportedThread>>;
    try {
      exported = await readExportedThread(file);
    } catch (error) {
      files.push({ name, cases: [failing('is an exported thread', error)] });
      continue;
    }
    const agent = agentsByName.get(exported.thread.agent);
    if (!agent) {
      const known = [...agentsByName.keys()].join(', ');
      const error = new Error(`${name} names agent ${exported.thread.agent}; the agents given are ${known}`);
      files.push({ name, cases: [failing(`names an agent that was given`, error)] });
      continue;
    }
    let replay: Promise<ReplayReport> | undefined;
    const report = () => {
      replay ??= replayExported(exported, agent);
      return replay;
    };
    const cases = findReplayPoints(exported.thread.events).map((point): RecordedThreadCase => {
      const written = exported.thread.events.slice(point.start, point.end);
      const seq = (written[0] as Event).seq;
      return {
        title: `step #${seq} (${toolsOf(written)}) decides as recorded`,
        check: async () => {
          const step = (await report()).steps.find((candidate) => candidate.seq === seq);
          if (!step) throw new Error(`#${seq} was not replayed`);
          const failed = step.verdict === 'regression' || (failOn === 'benign' && step.verdict === 'benign');
          if (failed) throw new Error(explainStep(step));
        },
      };
    });
    files.push({ name, cases });
  }
  return files;
};

const toolsOf = (events: readonly Event[]): string => {
  const tools = events.flatMap((event) =>
    event.type === 'model-step' ? [event.data.tool || '(no tool)'] : [],
  );
  return tools.length > 0 ? tools.join(', ') : events.map((event) => event.type).join(', ');
};
