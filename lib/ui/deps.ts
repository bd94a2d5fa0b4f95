import * as z from 'zod';
import type { ThreadStore } from '../core/ports.ts';

/**
 * One sent mail as the outbox page shows it. The local stack adapts its outbox to this; the
 * schema is there for an adapter that reads mail from outside and parses it at that edge.
 */
export const OutboxMessageSchema = z.object({
  id: z.string(),
  file: z.string(),
  /** When it was sent: ISO-8601 sorts and reads best, any date `Date.parse` reads sorts too. */
  date: z.string(),
  from: z.string(),
  to: z.array(z.string()),
  subject: z.string(),
  text: z.string(),
  /** The links in the mail, approval links among them: shown as anchors when they are http(s). */
  links: z.array(z.string()),
});
export type OutboxMessage = z.infer<typeof OutboxMessageSchema>;

export interface UiOutbox {
  list(): Promise<OutboxMessage[]>;
}

/** One dead-letter queue as the page shows it: its messages, not removed by looking. */
export interface DeadLetterView {
  name: string;
  messages: { id: string; body: string }[];
}

export interface UiDeadLetters {
  list(): Promise<DeadLetterView[]>;
  /** Sends every message back; says what happened in a sentence. */
  redrive(): Promise<string>;
}

export interface UiDeps {
  store: ThreadStore;
  /** The agents a thread can be started with, by name. */
  agents: readonly string[];
  outbox: UiOutbox;
  /** Starts a thread the way the API does (queued, then run by the loop) and names it. */
  startThread(input: { agent: string; message: string }): Promise<{ threadId: string }>;
  /** The dead-letter queues, where the stack has them. */
  deadLetters?: UiDeadLetters;
  /** Where approval pages live, e.g. `http://127.0.0.1:8787/approvals/`: outbox links under it are marked. */
  approvalsBase?: string;
}
