import { deriveThreadState, ThreadStatusSchema } from '../core/thread-state.ts';
import { type CliIo, EXIT, UsageError } from './io.ts';
import { describeEvent } from './print-event.ts';
import type { Runtime } from './runtime.ts';

const money = (usd: number): string => `$${usd.toFixed(5)}`;

/** `threadline threads`: the stored threads, newest first. */
export const listThreads = async (
  runtime: Runtime,
  options: { agent?: string; status?: string; json: boolean },
  io: CliIo,
): Promise<number> => {
  const status = options.status === undefined ? undefined : ThreadStatusSchema.safeParse(options.status);
  if (status && !status.success) {
    throw new UsageError(`--status must be one of ${ThreadStatusSchema.options.join(', ')}`);
  }
  const { threads } = await runtime.store.list({ agent: options.agent, status: status?.data, limit: 100 });
  if (options.json) {
    io.stdout.write(`${JSON.stringify(threads)}\n`);
    return EXIT.ok;
  }
  if (threads.length === 0)
    io.stdout.write('no threads yet: start one with threadline run --store dynamo "…"\n');
  for (const thread of threads) {
    const tokens = thread.inputTokens + thread.outputTokens;
    const waiting = thread.waitingFor ? `  waiting for ${thread.waitingFor}` : '';
    io.stdout.write(
      `${thread.threadId}  ${thread.agent.padEnd(10)} ${thread.status.padEnd(17)} ${thread.updatedAt}  ${tokens} tokens  ${money(thread.costUsd)}${waiting}\n`,
    );
  }
  return EXIT.ok;
};

/** `threadline show <id>`: the thread's timeline with its status, tokens and $. */
export const showThread = async (
  runtime: Runtime,
  threadId: string,
  json: boolean,
  io: CliIo,
): Promise<number> => {
  const thread = await runtime.store.load(threadId);
  if (json) {
    io.stdout.write(`${JSON.stringify(thread)}\n`);
    return EXIT.ok;
  }
  const state = deriveThreadState(thread.events);
  const parent = thread.parent ? `, forked from ${thread.parent.threadId} at #${thread.parent.atSeq}` : '';
  io.stdout.write(
    `thread ${thread.id}, agent ${thread.agent}${parent}\nstatus ${state.status}, ${thread.events.length} events, ${state.stepCount} steps this turn, ${state.inputTokens} in / ${state.outputTokens} out tokens, est. ${money(state.costUsd)}\n`,
  );
  for (const event of thread.events) io.stdout.write(`${describeEvent(event)}\n`);
  return EXIT.ok;
};

/** `threadline fork <id> --at <seq>`: a new thread holding the events up to that seq. */
export const forkThread = async (
  runtime: Runtime,
  threadId: string,
  at: string | undefined,
  io: CliIo,
): Promise<number> => {
  const seq = Number(at);
  if (at === undefined || !Number.isInteger(seq) || seq < 1)
    throw new UsageError('fork needs --at <seq>, a whole number ≥ 1');
  const forked = await runtime.store.fork(threadId, seq, {
    threadId: runtime.ids.next('th'),
    at: runtime.clock.now(),
  });
  io.stdout.write(`forked ${threadId} at #${seq} into ${forked.id} (${forked.events.length} events)\n`);
  return EXIT.ok;
};
