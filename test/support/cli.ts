import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../lib/cli/main.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  home: string;
}

/** Runs the CLI in-process, with its own THREADLINE_HOME and no terminal unless stdin is given. */
export const runCli = async (
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; home?: string; stdin?: string[] } = {},
): Promise<CliRun> => {
  const home = options.home ?? (await mkdtemp(join(tmpdir(), 'threadline-cli-')));
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  stdout.on('data', (chunk: Buffer) => chunks.stdout.push(chunk));
  stderr.on('data', (chunk: Buffer) => chunks.stderr.push(chunk));
  const code = await main(argv, {
    stdout,
    stderr,
    stdin: Readable.from((options.stdin ?? []).map((line) => `${line}\n`)),
    isTty: options.stdin !== undefined,
    env: { THREADLINE_HOME: home, ...options.env },
    cwd: home,
  });
  return {
    code,
    stdout: Buffer.concat(chunks.stdout).toString('utf8'),
    stderr: Buffer.concat(chunks.stderr).toString('utf8'),
    home,
  };
};
