import { type ParseArgsConfig, parseArgs } from 'node:util';
import { demoOf } from '../adapters/agent-module.ts';
import { AGENT_MODULES } from '../agents/index.ts';
import type { Agent } from '../core/agent.ts';
import { buildModelRequest } from '../core/request.ts';
import { readCliConfig } from './config.ts';
import { devCommand, fireSchedule, redriveCommand } from './dev-command.ts';
import type { ApproveMode } from './humans.ts';
import { type CliIo, EXIT, UsageError } from './io.ts';
import { evalCommand, exportCommand, replayCommand } from './replay-commands.ts';
import { runCommand } from './run-command.ts';
import { agentNamed, createRuntime } from './runtime.ts';
import { forkThread, listThreads, showThread } from './thread-commands.ts';

export const HELP = `threadline: production LLM agents, the 12-Factor way

Usage:
  threadline run "<message>" [--agent <name>] [--model <setting>] [--approve ask|all|none]
                             [--answer <text>]... [--json]
      Start a thread with one message and run it to its end, printing each event.
      --agent         the agent that takes it (default: the one with a demo, else the first)
      --approve ask   asks at the terminal (the default; without a terminal it approves all)
      --approve all   approves every request; --approve none rejects each with feedback
      --answer        answers the agent's questions, in order, when there is no terminal
      --json          prints each event as one line of JSON
  threadline prompt "<message>" [--agent <name>]
  threadline prompt --thread <thread-id>
      Print the exact model request (system prompt, rendered thread, tool schemas) for a
      thread holding that message, or for a stored thread's next step: 100% of what the
      model sees.
  threadline dev [--memory] [--model <setting>]
      The deployed stack on this machine (what npm start runs): the synthesized template's
      state machine, handlers, API, queues, schedules and mail, with local stand-ins for AWS.
      THREADLINE_PORT (default 8787; 0 picks a free port), THREADLINE_SMTP_PORT (default 2525),
      THREADLINE_API_TOKEN (require a bearer token on the thread API). --memory keeps nothing.
  threadline schedule fire <name>
      Fire one of the running local stack's schedules now.
  threadline redrive [--queue <name>]... [--json]
      Move the running local stack's dead-lettered messages back where they failed (ingress
      messages to the ingress queue, failed mail to inbound-email), as POST /operations/redrive
      does on AWS. Each thread takes a message once, however often it is redriven. Exits 1 if
      any message could not go back (it stays in its queue).
  threadline demo
      Run the demo thread of the first agent that has one (lib/agents/<name>/index.ts, local.demoMessage).
  threadline threads [--agent <name>] [--status <status>] [--json]
      List stored threads, newest first, with status, tokens and estimated $.
  threadline show <thread-id> [--json]
      A thread's timeline: every event, with status, tokens and $.
  threadline fork <thread-id> --at <seq>
      A new thread holding the events 1..seq of another, linked to it.
  threadline replay <thread-id | file.json> [--json]
      Run the agent's current code over a recorded thread without calling the model: at each
      step it took, feed the recorded reply and compare what the code decides now. Each step is
      identical, benign (the model's request changed: prompt, tool descriptions, rendering; the
      decision did not) or regression (another tool error, gate, or next step). Nothing runs or
      is stored. A stored thread has no recorded requests, so only an exported file is checked
      for benign changes.
  threadline export <thread-id>... [--out <folder>] [--json]
      Write each thread as <folder>/<thread-id>.json (default folder: here): the thread and
      the model requests the current code sends at each step, the baseline replay compares to.
  threadline eval <folder> [--json]
      Replay every exported thread (*.json) in a folder and print a table of verdicts.
      replay, export and eval exit 6 when any step regressed; eval exits 1 when a file is not
      an exported thread or names an unknown agent.

Stores (--store):
  memory    threads live for one command (the default for run, prompt and demo)
  dynamo    an embedded DynamoDB (dynalite) persisted under THREADLINE_HOME/dynamodb, so
            threads survive restarts (the default for threads, show, fork, replay and export)
  threadline help

Model (--model or THREADLINE_MODEL):
  demo                          the offline demo model (the default)
  bedrock:<model-id>            Amazon Bedrock Converse, e.g. bedrock:anthropic.claude-3-5-haiku-20241022-v1:0
  openai:<base-url>#<model>     any OpenAI-compatible endpoint, e.g. openai:http://localhost:11434/v1#llama3.1
                                (OPENAI_API_KEY is sent as a bearer token when set)

Data lives under THREADLINE_HOME (default .threadline/).
Exit codes: 0 done, 1 error, 2 usage, 3 needs a human answer, 4 escalated, 5 failed or cancelled,
6 a replay found a regression.
`;

/** The agent that runs when none is named: the one with a demo, else the first. */
const DEFAULT_AGENT = demoOf(AGENT_MODULES)?.agent ?? AGENT_MODULES[0]?.name;

const OPTIONS = {
  agent: { type: 'string' },
  model: { type: 'string' },
  approve: { type: 'string', default: 'ask' },
  answer: { type: 'string', multiple: true },
  json: { type: 'boolean', default: false },
  store: { type: 'string' },
  memory: { type: 'boolean', default: false },
  thread: { type: 'string' },
  status: { type: 'string' },
  at: { type: 'string' },
  queue: { type: 'string', multiple: true },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} satisfies ParseArgsConfig['options'];

const parseWith = (argv: readonly string[]) =>
  parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true });

/** The CLI, callable in-process. Returns the exit code. */
export const main = async (argv: readonly string[], io: CliIo): Promise<number> => {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`threadline: ${error.message}\nRun "threadline help" for usage.\n`);
      return EXIT.usage;
    }
    io.stderr.write(`threadline: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.error;
  }
};

const dispatch = async (argv: readonly string[], io: CliIo): Promise<number> => {
  let parsed: ReturnType<typeof parseWith>;
  try {
    parsed = parseWith(argv);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    io.stdout.write(HELP);
    return command === undefined && !values.help ? EXIT.usage : EXIT.ok;
  }
  const approve = parseApprove(values.approve);
  // A run is throwaway by default; reading threads back needs the store that keeps them.
  const store = values.store ?? (THREAD_COMMANDS.has(command) || values.thread ? 'dynamo' : 'memory');
  if (store !== 'memory' && store !== 'dynamo') {
    throw new UsageError(`--store must be memory or dynamo, not "${values.store}"`);
  }
  const config = readCliConfig(io.env, io.cwd);
  // Commands for the running local stack: they need no store of their own.
  if (command === 'schedule') {
    if (rest[0] !== 'fire' || !rest[1]) throw new UsageError('usage: threadline schedule fire <name>');
    return await fireSchedule(config, rest[1], io);
  }
  if (command === 'redrive') {
    return await redriveCommand(
      { ...config, ...(io.env.THREADLINE_API_TOKEN ? { apiToken: io.env.THREADLINE_API_TOKEN } : {}) },
      { queues: values.queue ?? [], json: values.json },
      io,
    );
  }
  const runtime = await createRuntime(config, { model: values.model, store });
  try {
    const agent = (): Agent => {
      const name = values.agent ?? DEFAULT_AGENT;
      if (name === undefined) throw new UsageError('no agents: add one under lib/agents/');
      return agentNamed(runtime, name);
    };
    switch (command) {
      case 'run':
      case 'demo': {
        const demo = demoOf(AGENT_MODULES);
        if (command === 'demo' && !demo)
          throw new UsageError('no agent has a demo message (local.demoMessage)');
        const message = command === 'demo' ? (demo?.message ?? '') : rest.join(' ').trim();
        if (!message)
          throw new UsageError(`run needs a message, e.g. threadline run "${demo?.message ?? 'hello'}"`);
        return await runCommand(
          runtime,
          {
            message,
            agent: command === 'demo' && demo ? agentNamed(runtime, demo.agent) : agent(),
            approve,
            answers: values.answer ?? [],
            json: values.json,
          },
          io,
        );
      }
      case 'prompt': {
        const message = rest.join(' ').trim();
        if (values.thread) {
          // A stored thread: exactly what its agent's next step would send.
          const thread = await runtime.store.load(values.thread);
          const request = buildModelRequest(
            thread.events,
            agentNamed(runtime, thread.agent),
            runtime.clock.now(),
          );
          io.stdout.write(`${JSON.stringify(request, null, 2)}\n`);
          return EXIT.ok;
        }
        if (!message) throw new UsageError('prompt needs a message, or --thread <id>');
        const event = { id: 'ev', at: runtime.clock.now(), type: 'user-message' as const };
        const request = buildModelRequest(
          [{ ...event, seq: 1, data: { text: message, channel: 'cli' as const, untrusted: false } }],
          agent(),
          runtime.clock.now(),
        );
        io.stdout.write(`${JSON.stringify(request, null, 2)}\n`);
        return EXIT.ok;
      }
      case 'dev':
        return await devCommand(
          config,
          { memory: values.memory, ...(values.model ? { model: values.model } : {}) },
          io,
          io.interrupted ?? new Promise(() => {}),
        );
      case 'threads':
        return await listThreads(
          runtime,
          { agent: values.agent, status: values.status, json: values.json },
          io,
        );
      case 'show':
        if (!rest[0]) throw new UsageError('show needs a thread id');
        return await showThread(runtime, rest[0], values.json, io);
      case 'fork':
        if (!rest[0]) throw new UsageError('fork needs a thread id');
        return await forkThread(runtime, rest[0], values.at, io);
      case 'replay':
        if (!rest[0] || rest.length > 1) throw new UsageError('replay needs one thread id or exported file');
        return await replayCommand(runtime, rest[0], values.json, io);
      case 'export':
        if (rest.length === 0) throw new UsageError('export needs at least one thread id');
        return await exportCommand(runtime, rest, { out: values.out, json: values.json }, io);
      case 'eval':
        if (!rest[0] || rest.length > 1) throw new UsageError('eval needs one folder of exported threads');
        return await evalCommand(runtime, rest[0], values.json, io);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } finally {
    await runtime.close();
  }
};

const THREAD_COMMANDS = new Set(['threads', 'show', 'fork', 'replay', 'export']);

const parseApprove = (value: string): ApproveMode => {
  if (value === 'ask' || value === 'all' || value === 'none') return value;
  throw new UsageError(`--approve must be ask, all or none, not "${value}"`);
};
