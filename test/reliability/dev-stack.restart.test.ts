import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { DevStack } from '../../lib/local/dev-stack.ts';
import { startDevStack } from '../../lib/local/dev-stack.ts';
import { chatCompletion, startScriptedChatServer, toolCall } from '../adapters/scripted-chat-server.ts';
import { eventually, newHome, startThread } from '../e2e/stack.ts';
import { createRecorder } from './record.ts';

const recorder = createRecorder('local stack');
const stacks: DevStack[] = [];
const homes: string[] = [];
const chat = await startScriptedChatServer();

afterAll(async () => {
  for (const stack of stacks) await stack.stop().catch(() => undefined);
  await chat.close();
  for (const home of homes) await rm(home, { recursive: true, force: true });
  await recorder.flush();
});

const reply = (tool: string, args: unknown) => ({
  body: chatCompletion({ content: null, tool_calls: [toolCall(tool, JSON.stringify(args))] }),
});

interface ThreadBody {
  status: string;
  events: { type: string; key?: string }[];
}

const readThread = async (stack: DevStack, threadId: string): Promise<ThreadBody> =>
  (await (await fetch(`${stack.endpoints.api}/threads/${threadId}`)).json()) as ThreadBody;

describe('the local stack stopped in the middle of a turn', () => {
  it('finishes the thread after a restart, with one model-step per step', async () => {
    const home = await newHome();
    homes.push(home);
    const model = `openai:${chat.baseUrl}#scripted`;
    // The first model call never answers: the stack stops while the Step task waits on it.
    chat.respond({ hang: true });
    const first = await startDevStack({ home, port: 0, smtpPort: 0, model });
    stacks.push(first);
    const threadId = await startThread(first, 'billing', 'who is Terri?');
    await eventually('the step in its model call', async () =>
      chat.requests.length >= 1 ? true : undefined,
    );
    await first.stop();

    chat.respond(
      reply('lookup_customer', { name: 'Terri' }),
      reply('done_for_now', { message: 'Terri Jackson.' }),
    );
    const second = await startDevStack({ home, port: 0, smtpPort: 0, model });
    stacks.push(second);
    const thread = await eventually('the thread done after the restart', async () => {
      const read = await readThread(second, threadId);
      return read.status === 'done' ? read : undefined;
    });

    const types = thread.events.map((event) => event.type);
    expect(types).toEqual(['user-message', 'model-step', 'tool-result', 'model-step', 'agent-done']);
    const keys = thread.events.flatMap((event) => (event.key ? [event.key] : []));
    expect(new Set(keys).size).toBe(keys.length);
    recorder.record('stopped while a step waited on the model, started again', {
      faultsInjected: 1,
      eventsLost: 0,
      eventsDuplicated: 0,
      notes: {
        modelSteps: types.filter((type) => type === 'model-step').length,
        modelCalls: chat.requests.length,
      },
    });
  }, 120_000);
});
