import { DEMO_MODEL_ID } from '../adapters/demo-model.ts';
import { McpToolServers } from '../adapters/mcp-tool-servers.ts';
import type { Agent } from '../core/agent.ts';
import { driveThread } from '../core/drive.ts';
import type { Event } from '../core/events.ts';
import type { ThreadState } from '../core/thread-state.ts';
import { type ApproveMode, flagHumans, NeedsHumanError, terminalHumans } from './humans.ts';
import { type CliIo, EXIT } from './io.ts';
import { describeEvent } from './print-event.ts';
import type { Runtime } from './runtime.ts';

export interface RunOptions {
  message: string;
  agent: Agent;
  approve: ApproveMode;
  answers: readonly string[];
  json: boolean;
}

/** Starts a thread with one message and drives it to its end, printing each event. */
export const runCommand = async (runtime: Runtime, options: RunOptions, io: CliIo): Promise<number> => {
  const { store, model, clock, ids } = runtime;
  const print = (events: readonly Event[]): void => {
    for (const event of events)
      io.stdout.write(`${options.json ? JSON.stringify(event) : describeEvent(event)}\n`);
  };
  const threadId = ids.next('th');
  await store.create({ threadId, agent: options.agent.name, at: clock.now() });
  if (!options.json) {
    const demo =
      model.id === DEMO_MODEL_ID ? ' (the offline demo model: set THREADLINE_MODEL for a real one)' : '';
    io.stdout.write(`thread ${threadId}, agent ${options.agent.name}, model ${model.id}${demo}\n`);
  }
  print(
    await store.append(threadId, [
      {
        id: ids.next('ev'),
        at: clock.now(),
        type: 'user-message',
        data: { text: options.message, channel: 'cli', untrusted: false },
      },
    ]),
  );
  const mode = options.approve === 'ask' && !io.isTty ? 'all' : options.approve;
  if (options.approve === 'ask' && !io.isTty) io.stderr.write('no terminal: approving with --approve all\n');
  const terminal = mode === 'ask' ? terminalHumans(io.stdin, io.stdout) : undefined;
  const humans = terminal ?? flagHumans(mode === 'ask' ? 'all' : mode, options.answers);
  let state: ThreadState;
  try {
    state = await driveThread(threadId, options.agent, {
      store,
      model,
      clock,
      ids,
      humans,
      agents: runtime.agents,
      toolServers: new McpToolServers(),
      onEvents: print,
    });
  } catch (error) {
    if (error instanceof NeedsHumanError) {
      io.stderr.write(`thread ${threadId} stopped: ${error.message}\n`);
      return EXIT.needsHuman;
    }
    throw error;
  } finally {
    terminal?.close();
  }
  return reportEnd(threadId, state, io, options.json);
};

const reportEnd = (threadId: string, state: ThreadState, io: CliIo, json: boolean): number => {
  const totals = `${state.inputTokens + state.outputTokens} tokens, est. $${state.costUsd.toFixed(5)}`;
  if (!json)
    io.stdout.write(`thread ${threadId} ${state.status} after ${state.lastSeq} events (${totals})\n`);
  switch (state.status) {
    case 'done':
      return EXIT.ok;
    case 'escalated':
      io.stderr.write(
        `thread ${threadId} escalated to a person: ${state.escalation?.detail ?? 'no detail'}\n`,
      );
      return EXIT.escalated;
    default:
      io.stderr.write(`thread ${threadId} ended ${state.status}\n`);
      return EXIT.failed;
  }
};
