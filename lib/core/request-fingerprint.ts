import * as z from 'zod';
import { hashArgs } from './hash.ts';
import type { ModelRequest } from './ports.ts';

/**
 * A model request reduced to short digests, one per part the agent's code shapes: the system
 * prompt, the rendered thread, and each tool's description and schema. An exported thread keeps
 * one per model step, so a replay can say which part of the request changed (factor 2).
 */
export const RequestFingerprintSchema = z.object({
  system: z.string(),
  context: z.string(),
  tools: z.record(z.string(), z.string()),
});
export type RequestFingerprint = z.infer<typeof RequestFingerprintSchema>;

/** Sixteen hex digits of SHA-256: enough to tell a change, short enough to read in a file. */
const digest = (value: Parameters<typeof hashArgs>[0]): string => hashArgs(value).slice(0, 16);

export const fingerprintRequest = (request: ModelRequest): RequestFingerprint => ({
  system: digest(request.system),
  context: digest(request.context),
  tools: Object.fromEntries(
    request.tools.map((tool) => [
      tool.name,
      digest({ description: tool.description, inputSchema: tool.inputSchema }),
    ]),
  ),
});

/** What differs between two fingerprints, one phrase each; empty when the requests are the same. */
export const describeRequestChanges = (
  recorded: RequestFingerprint,
  replayed: RequestFingerprint,
): string[] => {
  const changes: string[] = [];
  if (recorded.system !== replayed.system) changes.push('system prompt changed');
  if (recorded.context !== replayed.context) changes.push('rendered thread changed');
  const names = new Set([...Object.keys(recorded.tools), ...Object.keys(replayed.tools)]);
  for (const name of [...names].sort()) {
    const before = recorded.tools[name];
    const after = replayed.tools[name];
    if (before === after) continue;
    if (before === undefined) changes.push(`tool ${name} added`);
    else if (after === undefined) changes.push(`tool ${name} removed`);
    else changes.push(`tool ${name} description or schema changed`);
  }
  return changes;
};
