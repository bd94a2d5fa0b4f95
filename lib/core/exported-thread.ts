import * as z from 'zod';
import type { Agent } from './agent.ts';
import { type Thread, ThreadSchema } from './events.ts';
import { type ReplayReport, replayThread } from './replay.ts';
import { RequestFingerprintSchema } from './request-fingerprint.ts';

export const EXPORT_FORMAT = 'threadline.thread.v1';

/**
 * A thread as `threadline export` writes it: the recorded thread, parsed back with
 * `ThreadSchema`, and the requests the agent's code sent the model at each model step when it
 * was exported, as digests keyed by that step's seq. A later replay compares its own requests
 * with these to tell a changed prompt or tool (benign) from a changed decision (regression).
 */
export const ExportedThreadSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  thread: ThreadSchema,
  requests: z.record(z.string().regex(/^\d+$/), RequestFingerprintSchema),
});
export type ExportedThread = z.infer<typeof ExportedThreadSchema>;

/**
 * Exports a thread with the requests the given agent's code renders for it. The report says how
 * that code replays the thread: an export is a baseline only where it replays without regression.
 */
export const exportThread = async (
  thread: Thread,
  agent: Agent,
): Promise<{ exported: ExportedThread; report: ReplayReport }> => {
  const { report, requests } = await replayThread(thread, agent);
  return { exported: { format: EXPORT_FORMAT, thread, requests }, report };
};

/** Replays an exported thread against the current code, comparing requests as well as decisions. */
export const replayExported = async (exported: ExportedThread, agent: Agent): Promise<ReplayReport> =>
  (await replayThread(exported.thread, agent, exported.requests)).report;
