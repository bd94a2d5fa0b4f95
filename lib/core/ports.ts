import * as z from 'zod';
import { type Event, type NewEvent, type Thread, UsageSchema } from './events.ts';
import type { JsonObject } from './json.ts';
import type { ThreadStatus } from './thread-state.ts';

/** Time, as an ISO-8601 string. The core never reads the clock itself. */
export interface Clock {
  now(): string;
}

/** Identifiers. Approval ids must be unguessable in production: they name a decision. */
export interface Ids {
  next(prefix: string): string;
}

/** What the model is shown: the system prompt, the rendered thread and the tools it may pick. */
export interface ModelRequest {
  system: string;
  context: string;
  tools: ToolSpec[];
}

export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: JsonObject;
}

/**
 * One answer from a model, as an adapter reports it. The core validates it: adapters only say
 * what came back, they never decide whether it is a valid step.
 */
export const ModelReplySchema = z.object({
  /** The tool the model called, if it called one. */
  tool: z.string().optional(),
  /** The arguments as JSON text, exactly as the model wrote them. */
  argsJson: z.string().optional(),
  /** Any plain text the model wrote instead of, or beside, a tool call. */
  text: z.string().optional(),
  stopReason: z.enum([
    'tool_use',
    'end_turn',
    'max_tokens',
    'malformed_tool_use',
    'guardrail_intervened',
    'other',
  ]),
  usage: UsageSchema,
  model: z.string(),
});
export type ModelReply = z.infer<typeof ModelReplySchema>;

export interface Model {
  /** The model id prices are looked up by, e.g. `anthropic.claude-3-5-haiku-20241022-v1:0`. */
  readonly id: string;
  next(request: ModelRequest): Promise<ModelReply>;
}

export interface ThreadSummary {
  threadId: string;
  agent: string;
  status: ThreadStatus;
  createdAt: string;
  updatedAt: string;
  lastSeq: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** What the thread waits for, if it waits: an approval of a tool, or an answer to a question. */
  waitingFor?: string;
  parent?: { threadId: string; atSeq: number };
}

export interface ListThreadsQuery {
  agent?: string;
  status?: ThreadStatus;
  limit?: number;
  cursor?: string;
}

/**
 * Where threads live. Appends are idempotent by `key` and never reorder: each event gets the next
 * seq, and an event whose key is already in the thread comes back as the one stored before.
 */
export interface ThreadStore {
  create(input: { threadId: string; agent: string; at: string }): Promise<Thread>;
  append(threadId: string, events: readonly NewEvent[]): Promise<Event[]>;
  load(threadId: string): Promise<Thread>;
  list(query?: ListThreadsQuery): Promise<{ threads: ThreadSummary[]; cursor?: string }>;
  fork(threadId: string, atSeq: number, input: { threadId: string; at: string }): Promise<Thread>;
}
