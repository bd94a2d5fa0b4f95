import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type DevStack, startDevStack } from '../lib/local/dev-stack.ts';
import { type BenchOptions, type Section, table, verdictAtLeast } from './section.ts';
import { percentile, round } from './stats.ts';

interface ThreadBody {
  status: string;
  events: { type: string; at: string }[];
}

const readThread = async (stack: DevStack, threadId: string): Promise<ThreadBody> =>
  (await (await fetch(`${stack.endpoints.api}/threads/${threadId}`)).json()) as ThreadBody;

const until = async <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => {
  for (let attempt = 0; attempt < 3_000; attempt += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never happened: ${what}`);
};

/** Shares one in-flight read among the threads that poll at the same moment. */
const shared = <T>(read: () => Promise<T>): (() => Promise<T>) => {
  let reading: Promise<T> | undefined;
  return () => {
    reading ??= read().finally(() => {
      reading = undefined;
    });
    return reading;
  };
};

/**
 * The outbox's mails, each read from disk once: an `.eml` file never changes after the local SES has
 * written it whole. (Reading every file on every poll of every thread took a fifth of the CPU the
 * run measures.) A file is kept only once its multipart body is closed (`--boundary--`), so a
 * file still being written is read again on the next poll.
 */
const outboxReader = (directory: string) => {
  const complete = new Map<string, string>();
  const read = async (): Promise<string[]> => {
    for (const file of await readdir(directory).catch(() => [])) {
      if (complete.has(file)) continue;
      const text = await readFile(join(directory, file), 'utf-8');
      const boundary = /boundary="?([^";\r\n]+)"?/.exec(text)?.[1];
      if (boundary && text.includes(`--${boundary}--`)) complete.set(file, text);
    }
    return [...complete.values()];
  };
  return shared(read);
};

/** The approval link mailed for a thread. */
const approvalLinkFor = (mails: readonly string[], threadId: string): string | undefined => {
  for (const text of mails) {
    if (!text.includes(threadId)) continue;
    const link = /(http:\/\/[^\s"<>]+\/approvals\/[^\s"<>]+)/.exec(
      text.replace(/=\r?\n/g, '').replaceAll('=3D', '='),
    )?.[1];
    if (link) return link;
  }
  return undefined;
};

const ENDED = ['done', 'failed', 'escalated'];

/**
 * The ids of the billing threads that have ended, from the thread list (one page per status):
 * one listing per poll for every waiting thread, where a read of each thread would load its events.
 */
const endedReader = (stack: DevStack) =>
  shared(async (): Promise<Set<string>> => {
    const ended = new Set<string>();
    for (const status of ENDED) {
      let cursor: string | undefined;
      do {
        const query = new URLSearchParams({
          agent: 'billing',
          status,
          limit: '1000',
          ...(cursor ? { cursor } : {}),
        });
        const page = (await (await fetch(`${stack.endpoints.api}/threads?${query}`)).json()) as {
          threads: { threadId: string }[];
          cursor?: string;
        };
        for (const thread of page.threads) ended.add(thread.threadId);
        cursor = page.cursor;
      } while (cursor !== undefined);
    }
    return ended;
  });

/** Approves through the page a person would use: GET for the CSRF token, POST the approve form. */
const approve = async (link: string): Promise<void> => {
  const page = await (await fetch(link)).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error(`no CSRF token on ${link}`);
  const response = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, decision: 'approve' }).toString(),
  });
  if (response.status >= 400) throw new Error(`approving ${link}: ${response.status}`);
};

interface Watch {
  readOutbox: () => Promise<string[]>;
  readEnded: () => Promise<Set<string>>;
}

const runThread = async (stack: DevStack, watch: Watch, index: number): Promise<ThreadBody> => {
  const response = await fetch(`${stack.endpoints.api}/threads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `bench-${index}` },
    body: JSON.stringify({
      agent: 'billing',
      message: `create a $${100 + index} sponsorship link for Terri`,
    }),
  });
  if (response.status !== 202) throw new Error(`POST /threads: ${response.status} ${await response.text()}`);
  const { threadId } = (await response.json()) as { threadId: string };
  const link = await until(`approval mail for ${threadId}`, async () =>
    approvalLinkFor(await watch.readOutbox(), threadId),
  );
  await approve(link);
  return until(`end of ${threadId}`, async () => {
    if (!(await watch.readEnded()).has(threadId)) return undefined;
    const thread = await readThread(stack, threadId);
    return ENDED.includes(thread.status) ? thread : undefined;
  });
};

/** Benchmark 6: the local stack (memory mode) under many concurrent threads, the demo model. */
export const runThroughput = async (options: BenchOptions): Promise<Section> => {
  const threads = options.quick ? 20 : 100;
  const home = await mkdtemp(join(tmpdir(), 'threadline-bench-stack-'));
  const stack = await startDevStack({ home, port: 0, smtpPort: 0, memory: true, model: 'demo' });
  try {
    const watch: Watch = { readOutbox: outboxReader(stack.endpoints.outbox), readEnded: endedReader(stack) };
    const started = performance.now();
    const finished = await Promise.all(
      Array.from({ length: threads }, (_, index) => runThread(stack, watch, index)),
    );
    const seconds = (performance.now() - started) / 1000;
    const steps = finished.flatMap((thread) =>
      thread.events.flatMap((event, index) =>
        event.type === 'model-step' && index > 0
          ? [Date.parse(event.at) - Date.parse(thread.events[index - 1]!.at)]
          : [],
      ),
    );
    const sorted = [...steps].sort((left, right) => left - right);
    const figures = {
      threads,
      statuses: Object.fromEntries(
        [...new Set(finished.map((thread) => thread.status))].map((status) => [
          status,
          finished.filter((thread) => thread.status === status).length,
        ]),
      ),
      seconds: round(seconds, 2),
      stepsPerThread: round(steps.length / threads, 1),
      threadsPerSecond: round(threads / seconds, 2),
      stepsPerSecond: round(steps.length / seconds, 2),
      stepLatencyMs: { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95) },
      target: '≥ 20 steps/s on 2 cores',
    };
    const markdown = [
      `\`startDevStack\` in memory mode, the demo model, ${threads} billing threads started at once through the API ("create a $N sponsorship link for Terri": look up, ask to create the link, done). Each approval is decided through its emailed link as a person would (GET the page, POST the approve form). No 10-step demo scenario exists, so a thread is ${figures.stepsPerThread} model steps plus its tool calls; every step runs the deployed handler code through the local Step Functions, SQS, DynamoDB (dynalite) and S3 stand-ins. Step latency: from the event before a model-step to the model-step.`,
      '',
      table(
        ['threads', 'wall s', 'threads/s', 'steps/s', 'step p50 ms', 'step p95 ms', 'outcomes'],
        [
          [
            threads,
            figures.seconds,
            figures.threadsPerSecond,
            figures.stepsPerSecond,
            figures.stepLatencyMs.p50,
            figures.stepLatencyMs.p95,
            JSON.stringify(figures.statuses),
          ],
        ],
      ),
      '',
      `Target ≥ 20 steps/s: ${verdictAtLeast(figures.stepsPerSecond, 20, ' steps/s')}. Threads/s includes the wait for each approval mail and its decision. The API, the SQS, Step Functions, S3 and SES stand-ins and every handler share the main thread of one Node process, and dynalite (a JavaScript DynamoDB, ~25 ms a step in benchmark 3) runs in a worker thread beside it; the main thread is the one that is busy all the time, and a CPU profile of it (\`node --cpu-prof\`) puts most of its time in the AWS SDK's DynamoDB requests from the handlers (middleware, signing, marshalling, loopback HTTP writes) and the rest in GC, zod, the Step Functions emulator and the API. So this is a floor for the laptop stack, not a figure for AWS.`,
    ].join('\n');
    return { id: 'throughput', title: '6. Local stack throughput', figures, markdown };
  } finally {
    await stack.stop();
    await rm(home, { recursive: true, force: true });
  }
};
