import * as z from 'zod';
import { JsonObjectSchema, JsonValueSchema } from './json.ts';

/**
 * The events a thread is made of. The thread is the only state an agent has (factor 5):
 * status, error streak, step count and pending approval are all derived from this list.
 */

export const UsageSchema = z.object({
  /** Every token of the request, the cached ones included. */
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  /** Of `inputTokens`, those the provider read from its prompt cache, which it bills for less. */
  cachedInputTokens: z.number().int().nonnegative().optional(),
});
export type Usage = z.infer<typeof UsageSchema>;

/** Where an outside message came from. Email bodies and webhooks are untrusted data. */
export const ChannelSchema = z.enum(['cli', 'api', 'email', 'schedule', 'slack', 'webhook', 'agent']);
export type Channel = z.infer<typeof ChannelSchema>;

export const UserMessageData = z.object({
  text: z.string(),
  channel: ChannelSchema.default('api'),
  from: z.string().optional(),
  subject: z.string().optional(),
  /** Text written by someone outside the team, rendered fenced as data, never as instructions. */
  untrusted: z.boolean().default(false),
});

export const ModelStepData = z.object({
  /** The tool (or built-in intent) the model chose. */
  tool: z.string(),
  /** The arguments exactly as the model sent them, parsed when they were JSON. */
  args: JsonValueSchema,
  model: z.string(),
  usage: UsageSchema,
  costUsd: z.number().nonnegative(),
});

/** A call no model step made: a lookup the agent declared to run before its first step (factor 13). */
export const PrefetchData = z.object({ args: JsonObjectSchema });

export const ToolResultData = z.object({
  callId: z.string(),
  tool: z.string(),
  result: JsonValueSchema,
  /** Present when the result is outside content: the tool is marked `untrusted` (fetched text, mail). */
  untrusted: z.literal(true).optional(),
  /** Present when the call was a pre-fetch, not a model step: its arguments. */
  prefetch: PrefetchData.optional(),
});

export const ToolErrorData = z.object({
  callId: z.string().optional(),
  tool: z.string(),
  /** One short line written for the model to read. */
  message: z.string(),
  /** Present when the call was a pre-fetch, not a model step: its arguments. */
  prefetch: PrefetchData.optional(),
});

/**
 * Why a call waits for a person: `tool` when the tool always needs approval; `outside-content` when
 * the rule of two gates it, because the thread read outside content before the call was made.
 */
export const ApprovalReasonSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('tool') }),
  z.object({
    kind: z.literal('outside-content'),
    /** The event that brought the outside content in. */
    eventId: z.string(),
    /** Where it came from, for a person: `a message via email from ann@example.com`. */
    source: z.string(),
  }),
]);
export type ApprovalReason = z.infer<typeof ApprovalReasonSchema>;

export const ApprovalRequestData = z.object({
  approvalId: z.string(),
  callId: z.string(),
  tool: z.string(),
  args: JsonObjectSchema,
  argsHash: z.string(),
  /** For an MCP server's tool: the server, and the tool's fingerprint the approval is bound to. */
  server: z.string().optional(),
  toolHash: z.string().optional(),
  /** Absent on requests recorded before reasons were: those were all `tool`. */
  reason: ApprovalReasonSchema.optional(),
});

const DecisionBase = { approvalId: z.string(), by: z.string().optional() };
export const ApprovalDecisionData = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('approve'), ...DecisionBase }),
  z.object({ decision: z.literal('reject'), feedback: z.string(), ...DecisionBase }),
  z.object({ decision: z.literal('edit'), args: JsonObjectSchema, ...DecisionBase }),
  z.object({ decision: z.literal('expired'), ...DecisionBase }),
]);
export type ApprovalDecision = z.infer<typeof ApprovalDecisionData>;

export const HumanInputRequestData = z.object({
  requestId: z.string(),
  callId: z.string(),
  question: z.string(),
});

export const HumanInputResponseData = z.object({
  requestId: z.string(),
  text: z.string(),
  from: z.string().optional(),
  channel: ChannelSchema.default('api'),
  untrusted: z.boolean().default(false),
});

export const AgentDoneData = z.object({ message: z.string() });

export const EscalationReasonSchema = z.enum([
  'consecutive-errors',
  'step-cap',
  'budget',
  'guardrail',
  'approval-expired',
  'requested',
]);
export type EscalationReason = z.infer<typeof EscalationReasonSchema>;
export const EscalationData = z.object({ reason: EscalationReasonSchema, detail: z.string() });

export const PausedData = z.object({ by: z.string().optional(), reason: z.string().optional() });
export const ResumedData = z.object({ by: z.string().optional() });
export const CancelledData = z.object({ by: z.string().optional(), reason: z.string().optional() });
export const FailureData = z.object({ error: z.string() });

export const ChildThreadStartedData = z.object({
  callId: z.string(),
  childThreadId: z.string(),
  agent: z.string(),
  task: z.string(),
});
export const ChildThreadDoneData = z.object({
  callId: z.string(),
  childThreadId: z.string(),
  outcome: z.enum(['done', 'escalated', 'failed', 'cancelled']),
  message: z.string(),
});

const base = {
  id: z.string().min(1),
  seq: z.number().int().positive(),
  at: z.string(),
  /** Idempotency key from outside: SQS message id, Idempotency-Key header, Message-ID, decision id. */
  key: z.string().min(1).optional(),
};

export const EventSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('user-message'), data: UserMessageData }),
  z.object({ ...base, type: z.literal('model-step'), data: ModelStepData }),
  z.object({ ...base, type: z.literal('tool-result'), data: ToolResultData }),
  z.object({ ...base, type: z.literal('tool-error'), data: ToolErrorData }),
  z.object({ ...base, type: z.literal('approval-request'), data: ApprovalRequestData }),
  z.object({ ...base, type: z.literal('approval-decision'), data: ApprovalDecisionData }),
  z.object({ ...base, type: z.literal('human-input-request'), data: HumanInputRequestData }),
  z.object({ ...base, type: z.literal('human-input-response'), data: HumanInputResponseData }),
  z.object({ ...base, type: z.literal('agent-done'), data: AgentDoneData }),
  z.object({ ...base, type: z.literal('escalation'), data: EscalationData }),
  z.object({ ...base, type: z.literal('paused'), data: PausedData }),
  z.object({ ...base, type: z.literal('resumed'), data: ResumedData }),
  z.object({ ...base, type: z.literal('cancelled'), data: CancelledData }),
  z.object({ ...base, type: z.literal('failure'), data: FailureData }),
  z.object({ ...base, type: z.literal('child-thread-started'), data: ChildThreadStartedData }),
  z.object({ ...base, type: z.literal('child-thread-done'), data: ChildThreadDoneData }),
]);

export type Event = z.infer<typeof EventSchema>;
export type EventType = Event['type'];
export type EventOf<T extends EventType> = Extract<Event, { type: T }>;

/** An event before the store has given it a place in the thread. */
export type NewEvent = Event extends infer E ? (E extends Event ? Omit<E, 'seq'> : never) : never;

/** A thread: its events in order, and where it was forked from, if it was. */
export const ThreadSchema = z.object({
  id: z.string().min(1),
  agent: z.string().min(1),
  events: z.array(EventSchema),
  parent: z.object({ threadId: z.string(), atSeq: z.number().int().nonnegative() }).optional(),
});
export type Thread = z.infer<typeof ThreadSchema>;

export const EVENT_TYPES: readonly EventType[] = EventSchema.options.map((option) => option.shape.type.value);
