import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { demoOf } from '../adapters/agent-module.ts';
import { AGENT_MODULES } from '../agents/index.ts';
import { localAddressOf } from '../local/dev-context.ts';
import { startDevStack } from '../local/dev-stack.ts';
import { describeRedrive } from '../service/redrive.ts';
import type { CliConfig } from './config.ts';
import { type CliIo, EXIT, UsageError } from './io.ts';

const PortSchema = z.coerce.number().int().min(0).max(65_535);

const portOf = (value: string | undefined, name: string, fallback: number): number => {
  if (value === undefined || value === '') return fallback;
  const parsed = PortSchema.safeParse(value);
  if (!parsed.success)
    throw new UsageError(`${name} must be a port number (0 picks a free one), not "${value}"`);
  return parsed.data;
};

/**
 * `threadline dev` (what `npm start` runs): the deployed stack on this machine. Runs until
 * interrupted; a second Ctrl-C while stopping quits at once.
 */
export const devCommand = async (
  config: CliConfig,
  options: { memory: boolean; model?: string },
  io: CliIo,
  until: Promise<unknown>,
): Promise<number> => {
  const started = Date.now();
  io.stdout.write('threadline: synthesizing the stack and starting its local stand-ins…\n');
  const port = portOf(io.env.THREADLINE_PORT, 'THREADLINE_PORT', 8787);
  const smtpPort = portOf(io.env.THREADLINE_SMTP_PORT, 'THREADLINE_SMTP_PORT', 2525);
  const stack = await startDevStack({
    home: config.home,
    port,
    smtpPort,
    memory: options.memory,
    model: options.model ?? config.model ?? 'demo',
    ...(io.env.THREADLINE_API_TOKEN ? { apiToken: io.env.THREADLINE_API_TOKEN } : {}),
  }).catch((error: unknown) => {
    if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
      throw new UsageError(
        `port ${port} or ${smtpPort} is taken (is threadline already running?): set THREADLINE_PORT and THREADLINE_SMTP_PORT, or 0 for free ports`,
      );
    }
    throw error;
  });
  const { endpoints } = stack;
  const model = options.model ?? config.model ?? 'demo';
  const demo = demoOf(AGENT_MODULES);
  io.stdout.write(
    [
      `threadline is running (${((Date.now() - started) / 1000).toFixed(1)} s), model ${model}${model === 'demo' ? ' (the offline demo model)' : ''}`,
      '',
      `  web UI          ${endpoints.ui}`,
      `  thread API      ${endpoints.api}/threads${io.env.THREADLINE_API_TOKEN ? '  (Authorization: Bearer $THREADLINE_API_TOKEN)' : ''}`,
      `  approval pages  ${endpoints.approvals}<id>  (links arrive in the outbox)`,
      `  outbox          ${endpoints.outbox}  and ${endpoints.ui}ui/outbox`,
      `  SMTP (inbound)  ${endpoints.smtp.host}:${endpoints.smtp.port}  (mail ${AGENT_MODULES.map((module) => localAddressOf(module.name)).join(' or ')})`,
      `  AWS endpoints   DynamoDB ${endpoints.aws.dynamodb}  SQS ${endpoints.aws.sqs}  S3 ${endpoints.aws.s3}`,
      `                  Step Functions ${endpoints.aws.sfn}  SESv2 ${endpoints.aws.sesv2}`,
      '',
      `  written to ${join(config.home, 'endpoints.json')}.${demo ? ' Try:' : ''}`,
      ...(demo
        ? [
            `  curl -X POST ${endpoints.api}/threads -H 'content-type: application/json' \\`,
            `    -d '${JSON.stringify(demo)}'`,
          ]
        : []),
      '',
      'Ctrl-C stops it; threads and waits survive a restart.',
      '',
    ].join('\n'),
  );
  await until;
  io.stdout.write('threadline: stopping…\n');
  await stack.stop();
  return EXIT.ok;
};

const EndpointsSchema = z.object({ api: z.string() });

/** The running local stack's API, from the endpoints.json it wrote. */
const localApi = async (config: CliConfig): Promise<string> => {
  let text: string;
  try {
    text = await readFile(join(config.home, 'endpoints.json'), 'utf8');
  } catch {
    throw new UsageError(`no local stack found under ${config.home}: start one with npm start`);
  }
  return EndpointsSchema.parse(JSON.parse(text)).api;
};

/** `threadline schedule fire <name>`: fires one of the running local stack's schedules now. */
export const fireSchedule = async (config: CliConfig, name: string, io: CliIo): Promise<number> => {
  const api = await localApi(config);
  const response = await fetch(`${api}/_local/schedules/${encodeURIComponent(name)}/fire`, {
    method: 'POST',
  });
  io.stdout.write(`${response.status === 202 ? `fired ${name}` : await response.text()}\n`);
  return response.status === 202 ? EXIT.ok : EXIT.error;
};

const RedriveAnswerSchema = z.object({
  results: z.array(
    z.object({
      queue: z.string(),
      moved: z.number(),
      failed: z.array(z.object({ id: z.string(), error: z.string() })),
    }),
  ),
});

/**
 * `threadline redrive [--queue <name>]... [--json]`: moves the running local stack's dead-lettered
 * messages back, through the route the redrive function serves on AWS. It asks again while a call
 * moved something (each call moves up to its limit), and exits 1 if any message could not go back.
 */
export const redriveCommand = async (
  config: CliConfig & { apiToken?: string },
  options: { queues: readonly string[]; json: boolean },
  io: CliIo,
): Promise<number> => {
  const api = await localApi(config);
  const totals = new Map<string, { moved: number; failed: { id: string; error: string }[] }>();
  for (;;) {
    const response = await fetch(`${api}/operations/redrive`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(config.apiToken === undefined ? {} : { authorization: `Bearer ${config.apiToken}` }),
      },
      body: JSON.stringify(options.queues.length === 0 ? {} : { queues: options.queues }),
    });
    const text = await response.text();
    if (response.status !== 200 && response.status !== 207) {
      io.stderr.write(`threadline: redrive answered ${response.status}: ${text}\n`);
      return response.status === 400 ? EXIT.usage : EXIT.error;
    }
    const { results } = RedriveAnswerSchema.parse(JSON.parse(text));
    for (const result of results) {
      const total = totals.get(result.queue) ?? { moved: 0, failed: [] };
      total.moved += result.moved;
      total.failed.push(...result.failed);
      totals.set(result.queue, total);
    }
    if (results.every((result) => result.moved === 0)) break;
  }
  const summary = [...totals].map(([queue, total]) => ({ queue, ...total }));
  if (options.json) io.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    for (const { queue, moved, failed } of summary) {
      io.stdout.write(`${describeRedrive({ queue, moved, failed })}\n`);
      for (const failure of failed) io.stdout.write(`  ${failure.id}: ${failure.error}\n`);
    }
  }
  return summary.some((total) => total.failed.length > 0) ? EXIT.error : EXIT.ok;
};
