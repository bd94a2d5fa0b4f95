/** What a command may touch: injected so tests run commands in-process. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  isTty: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Settles when the user asks a long-running command to stop (Ctrl-C). */
  interrupted?: Promise<unknown>;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  needsHuman: 3,
  escalated: 4,
  failed: 5,
  /** A replay or eval found a step the current code decides differently. */
  regressed: 6,
} as const;
