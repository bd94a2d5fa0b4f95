import { relative } from 'node:path';
import { describe, it } from 'vitest';
import {
  type AgentsByName,
  type RecordedThreadOptions,
  recordedThreadCases,
} from './recorded-thread-cases.ts';

/**
 * Turns a folder of exported threads (`threadline export`) into vitest tests: a `describe` per
 * file and an `it` per step the reducer took, failing when the agents' current code decides
 * that step differently (see `threadline replay`). Call it at the top level of a test file:
 *
 * ```ts
 * describeRecordedThreads(join(import.meta.dirname, 'threads'), [createMyAgent()]);
 * ```
 */
export const describeRecordedThreads = (
  folder: string,
  agents: AgentsByName,
  options: RecordedThreadOptions = {},
): void => {
  describe(`recorded threads in ${relative(process.cwd(), folder) || folder}`, async () => {
    const files = await recordedThreadCases(folder, agents, options);
    if (files.length === 0) {
      it('holds at least one exported thread', () => {
        throw new Error(`${folder} holds no .json files: export threads into it with threadline export`);
      });
    }
    for (const file of files) {
      describe(file.name, () => {
        for (const testCase of file.cases) it(testCase.title, testCase.check);
      });
    }
  });
};
