import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { build } from 'esbuild';
import { call, ScriptedModel } from '../lib/adapters/scripted-model.ts';
import { nextOf } from '../lib/core/next.ts';
import { runTool } from '../lib/core/run-tool.ts';
import { step } from '../lib/core/step.ts';
import { deriveThreadState } from '../lib/core/thread-state.ts';
import { PROJECT_ROOT } from '../lib/infra/handler-function.ts';
import { stackOptions } from './bundles.ts';
import { withDynaliteStore } from './overhead-threadline.ts';
import { CountingIds, fixedClock } from './ports.ts';
import { SCENARIO_MESSAGE, scenarioAgent, scenarioCalls } from './scenario.ts';

/**
 * How much memory the step function needs while it waits on the model: `npx tsx
 * bench/step-memory.ts`. Bundles lambdas/step.ts as the stack does, and runs the bundle in a
 * fresh `node` process (nothing else loaded) against dynalite and an OpenAI-compatible server on
 * 127.0.0.1 that answers after MODEL_WAIT_MS, on billing threads that have taken their eight
 * lookups. Prints the process's peak RSS (what Lambda's memory setting must hold) and the CPU
 * time of a step (what a smaller setting, with its smaller CPU share, stretches).
 */
const STEPS = 5;
const MODEL_WAIT_MS = 1_000;
const run = promisify(execFile);

const RUNNER = `
const { handler } = await import(process.env.BUNDLE);
const cpu = [];
for (const threadId of JSON.parse(process.env.THREADS)) {
  const before = process.cpuUsage();
  await handler({ threadId });
  const used = process.cpuUsage(before);
  cpu.push((used.user + used.system) / 1000);
}
console.log(JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024, cpuMs: cpu }));
`;

const chatAnswer = JSON.stringify({
  id: 'chatcmpl-memory',
  object: 'chat.completion',
  created: 1_767_225_600,
  model: 'scripted',
  choices: [
    {
      index: 0,
      finish_reason: 'tool_calls',
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_memory',
            type: 'function',
            function: {
              name: 'create_payment_link',
              arguments: JSON.stringify({
                customerId: 'cus_terri',
                amountUsd: 750,
                description: 'sponsorship',
              }),
            },
          },
        ],
      },
    },
  ],
  usage: { prompt_tokens: 2000, completion_tokens: 100, total_tokens: 2100 },
});

const result = await withDynaliteStore(async (store, _makeStore, client) => {
  const agent = scenarioAgent();
  const ids = new CountingIds();
  const threads: string[] = [];
  for (let index = 0; index < STEPS; index += 1) {
    const threadId = `th-memory-${index}`;
    threads.push(threadId);
    await store.create({ threadId, agent: 'billing', at: fixedClock.now() });
    await store.append(threadId, [
      {
        id: ids.next('ev'),
        at: fixedClock.now(),
        type: 'user-message',
        data: { text: SCENARIO_MESSAGE, channel: 'api', untrusted: false },
      },
    ]);
    const lookups = scenarioCalls().filter((scripted) => scripted.tool === 'lookup_customer');
    const model = new ScriptedModel(lookups.map(({ tool, args }) => call(tool, args)));
    for (let taken = 0; taken < lookups.length; ) {
      const thread = await store.load(threadId);
      const next = nextOf(deriveThreadState(thread.events));
      if (next?.kind === 'tool') {
        await store.append(threadId, await runTool(thread, agent, next.callId, { clock: fixedClock, ids }));
        taken += 1;
        continue;
      }
      await store.append(threadId, (await step(thread, agent, { model, clock: fixedClock, ids })).events);
    }
  }
  let modelRequests = 0;
  const server = createServer((request, response) => {
    modelRequests += 1;
    request.resume();
    request.on('end', () =>
      setTimeout(
        () => response.writeHead(200, { 'content-type': 'application/json' }).end(chatAnswer),
        MODEL_WAIT_MS,
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const folder = await mkdtemp(join(tmpdir(), 'threadline-step-memory-'));
  try {
    await build({
      // As synth bundles it for the example agents, which name no MCP server.
      ...stackOptions(false),
      entryPoints: [join(PROJECT_ROOT, 'lambdas/step.ts')],
      outdir: folder,
      metafile: false,
    });
    const endpoint = await client.config.endpoint?.();
    const [tableName = 'threads'] = (await client.send(new ListTablesCommand({}))).TableNames ?? [];
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', RUNNER], {
      env: {
        PATH: process.env.PATH ?? '',
        BUNDLE: join(folder, 'step.mjs'),
        THREADS: JSON.stringify(threads),
        AWS_REGION: 'local',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_ENDPOINT_URL_DYNAMODB: `http://${endpoint?.hostname}:${endpoint?.port}`,
        THREAD_TABLE_NAME: tableName,
        PAYLOAD_BUCKET_NAME: 'payloads',
        THREADLINE_MODEL: `openai:http://127.0.0.1:${(server.address() as AddressInfo).port}/v1#scripted`,
        POWERTOOLS_SERVICE_NAME: 'step',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      },
    });
    return { modelRequests, ...JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') };
  } finally {
    server.close();
    await rm(folder, { recursive: true, force: true });
  }
});
console.log(JSON.stringify({ steps: STEPS, modelWaitMs: MODEL_WAIT_MS, ...result }, null, 2));
