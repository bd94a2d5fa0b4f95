import { createInterface } from 'node:readline/promises';
import type { DecisionInput } from '../core/decide.ts';
import type { Humans } from '../core/drive.ts';
import { renderYaml } from '../core/yaml.ts';

export type ApproveMode = 'ask' | 'all' | 'none';

export class NeedsHumanError extends Error {
  override readonly name = 'NeedsHumanError';
  constructor(readonly question: string) {
    super(`the agent asks: "${question}". Run in a terminal, or pass --answer "<text>".`);
  }
}

/** Decisions taken from flags: for scripts, CI and anything without a terminal. */
export const flagHumans = (mode: 'all' | 'none', answers: readonly string[]): Humans => {
  const remaining = [...answers];
  return {
    decide: async (): Promise<DecisionInput> =>
      mode === 'all'
        ? { decision: 'approve', by: 'cli --approve all' }
        : {
            decision: 'reject',
            feedback: 'Rejected from the command line (--approve none).',
            by: 'cli --approve none',
          },
    answer: async (question) => {
      const answer = remaining.shift();
      if (answer === undefined) throw new NeedsHumanError(question.question);
      return answer;
    },
  };
};

/** Asks the person at the terminal. One line reader serves the whole run: close it at the end. */
export const terminalHumans = (
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Humans & { close(): void } => {
  // Lines are read through one iterator, which buffers them: typed-ahead or piped answers are
  // never dropped between questions.
  const terminal = createInterface({ input, terminal: false });
  const lines = terminal[Symbol.asyncIterator]();
  const ask = async (question: string): Promise<string> => {
    output.write(question);
    const line = await lines.next();
    if (line.done) throw new Error('the terminal closed before an answer was given');
    return String(line.value).trim();
  };
  return {
    close: () => terminal.close(),
    decide: async (approval, _thread, problem) => {
      if (problem) output.write(`  ${problem}\n`);
      output.write(`\n  ${approval.tool} wants to run with:\n${renderYaml(approval.args, '    ')}\n`);
      for (;;) {
        const choice = (
          await ask('  [a]pprove, [r]eject with feedback, or [e]dit the arguments? ')
        ).toLowerCase();
        if (choice === 'a' || choice === 'approve') return { decision: 'approve', by: 'terminal' };
        if (choice === 'r' || choice === 'reject') {
          return {
            decision: 'reject',
            feedback: (await ask('  feedback for the agent: ')) || 'rejected',
            by: 'terminal',
          };
        }
        if (choice === 'e' || choice === 'edit') {
          const text = await ask('  new arguments as JSON: ');
          try {
            const args: unknown = JSON.parse(text);
            return { decision: 'edit', args, by: 'terminal' };
          } catch {
            output.write('  that is not JSON; try again\n');
          }
        }
      }
    },
    answer: async (question) => ask(`\n  ${question.question}\n  > `),
  };
};
