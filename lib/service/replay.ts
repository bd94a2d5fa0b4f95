import {
  ExportedThreadFileError,
  listExportedThreadFiles,
  readExportedThread,
} from '../adapters/exported-thread-files.ts';
import type { Agent } from '../core/agent.ts';
import { type ExportedThread, exportThread, replayExported } from '../core/exported-thread.ts';
import type { ThreadStore } from '../core/ports.ts';
import { type ReplayReport, replayThread } from '../core/replay.ts';
import { agentOf } from './deps.ts';
import { UnknownAgentError } from './errors.ts';

export interface ReplayDeps {
  store: ThreadStore;
  agents: ReadonlyMap<string, Agent>;
}

/**
 * Replays a stored thread against its agent's current code. A store keeps no model requests, so
 * only decisions are compared: export the thread to compare requests too.
 */
export const replayStoredThread = async (threadId: string, deps: ReplayDeps): Promise<ReplayReport> => {
  const thread = await deps.store.load(threadId);
  return (await replayThread(thread, agentOf(deps, thread))).report;
};

/** A stored thread as an export, with how the current code replays it. */
export const exportStoredThread = async (
  threadId: string,
  deps: ReplayDeps,
): Promise<{ exported: ExportedThread; report: ReplayReport }> => {
  const thread = await deps.store.load(threadId);
  return exportThread(thread, agentOf(deps, thread));
};

/** One file of an eval: its replay, or why it could not be replayed. */
export type EvaluatedFile =
  | { file: string; ok: true; report: ReplayReport }
  | { file: string; ok: false; error: string };

/**
 * Replays every exported thread in a folder against the agents' current code. A file that is
 * not an exported thread, or names an agent there is none of, is reported, never skipped.
 */
export const evaluateFolder = async (
  folder: string,
  agents: ReadonlyMap<string, Agent>,
): Promise<EvaluatedFile[]> => {
  const results: EvaluatedFile[] = [];
  for (const file of await listExportedThreadFiles(folder)) {
    try {
      const exported = await readExportedThread(file);
      const report = await replayExported(exported, agentOf({ agents }, exported.thread));
      results.push({ file, ok: true, report });
    } catch (error) {
      if (!(error instanceof ExportedThreadFileError || error instanceof UnknownAgentError)) throw error;
      results.push({ file, ok: false, error: error.message });
    }
  }
  return results;
};
