import { Duration } from 'aws-cdk-lib';
import type { ThreadlineConfig } from './config.ts';
import type { LoopAccess } from './grants.ts';

/** The ingest function's timeout; the ingress queue's visibility timeout is derived from it. */
export const INGEST_TIMEOUT = Duration.seconds(30);

/**
 * What a function reaches. Each need sets the variables `lambdas/config.ts` reads for it and grants
 * exactly the actions it takes, so a function's row in {@link FUNCTIONS} is its whole contract.
 */
export type Need =
  /** Its threads and their offloaded payloads; `listing` adds the index that lists threads. */
  | { threads: 'readWrite'; listing?: boolean }
  /** Finds a thread by a mail's In-Reply-To: a read of the table, no payloads. */
  | 'thread-lookup'
  /** The agent loop: start executions, answer task tokens, stop executions. */
  | { loop: readonly LoopAccess[] }
  /** Sends to the ingress queue. */
  | 'enqueue'
  /** Knows the approvers, the fallback approvers, the allowed senders and the mail domains. */
  | 'people'
  /** Reads the approval signing secret. */
  | 'signing'
  /** Knows how long an approval lasts. */
  | 'approval-timeout'
  /** Tells people: SES, the Slack webhook, the signed webhook. */
  | 'notifies'
  /** Calls the configured Bedrock model. */
  | 'model'
  /** Reads the raw mail SES stored. */
  | 'inbound-mail'
  /**
   * Lists or calls the tools of the MCP servers agents name. Its bundle carries the MCP client only
   * when some agent names a server; it is granted nothing, since functions reach the internet
   * outside a VPC.
   */
  | 'tool-servers'
  /** Moves dead-lettered messages back: reads every dead-letter queue, replays into its source. */
  | 'dead-letters';

export interface FunctionSpec {
  /** The construct id. */
  id: string;
  /** The stable short name, written to the template metadata for the local stack. */
  name: string;
  entry: string;
  description: string;
  timeout: Duration;
  memorySize?: number;
  needs: readonly Need[];
  /**
   * Invoked asynchronously (by SES, say): Lambda retries twice, then sends the event to a
   * dead-letter queue of the function's own, which the redrive function replays.
   */
  async?: boolean;
  /** The function exists only when this holds (inbound mail needs an inbound domain). */
  when?: (config: ThreadlineConfig) => boolean;
}

/**
 * Every function of the stack but the tools, one row each: what a least-privilege review reads.
 * Functions the state machine invokes reach the machine through `loop` (a name, not a Ref),
 * which keeps the template free of cycles. docs/aws.md lists who reads which variable.
 */
export const FUNCTIONS = {
  api: {
    id: 'Api',
    name: 'api',
    entry: 'lambdas/api.ts',
    description: 'threadline HTTP API: start, read, message, pause, resume, cancel threads; decide approvals',
    timeout: Duration.seconds(25),
    // Edited arguments for a server's tool are checked against the schema the server lists.
    needs: [
      { threads: 'readWrite', listing: true },
      'enqueue',
      { loop: ['respond', 'stop'] },
      'signing',
      'tool-servers',
    ],
  },
  ingest: {
    id: 'Ingest',
    name: 'ingest',
    entry: 'lambdas/ingest.ts',
    description: 'threadline ingress: append each queued message to its thread, then start or resume a turn',
    timeout: INGEST_TIMEOUT,
    needs: [{ threads: 'readWrite' }, 'people', { loop: ['start', 'respond'] }],
  },
  step: {
    id: 'Step',
    name: 'step',
    entry: 'lambdas/step.ts',
    description: 'threadline agent step: render the thread, ask the model for one next step, append it',
    // Up to three model calls (a retry on a reply the agent can fix, and a throttled one).
    timeout: Duration.seconds(120),
    // It mostly waits on the model: `npx tsx bench/step-memory.ts` measured a peak RSS of about
    // 100 MB for the bundled step on an example agent's thread, and 30–60 ms of CPU per warm step. 256 MB
    // holds that with room for long threads; the smaller CPU share stretches those milliseconds
    // about 7× (Lambda gives a full vCPU at 1,769 MB), still cheaper than 1 GB for a 1 s wait.
    memorySize: 256,
    needs: [{ threads: 'readWrite' }, 'model', 'tool-servers'],
  },
  awaitHuman: {
    id: 'AwaitHuman',
    name: 'await-human',
    entry: 'lambdas/await-human.ts',
    description: 'threadline wait: store the task token server-side and ask a person (approval or question)',
    timeout: Duration.seconds(30),
    // A decision that landed before the token was stored: the wait resumes its own task.
    needs: [
      { threads: 'readWrite' },
      'people',
      'approval-timeout',
      'signing',
      'notifies',
      { loop: ['respond'] },
    ],
  },
  expire: {
    id: 'Expire',
    name: 'expire',
    entry: 'lambdas/expire.ts',
    description:
      'threadline approval timeout: ask the fallback approvers once, then record the approval as expired',
    timeout: Duration.seconds(30),
    needs: [{ threads: 'readWrite' }, 'people', 'approval-timeout', 'signing', 'notifies'],
  },
  startChild: {
    id: 'StartChild',
    name: 'start-child',
    entry: 'lambdas/start-child.ts',
    description: 'threadline child thread: start the sub-task thread whose end answers the parent',
    timeout: Duration.seconds(15),
    needs: [{ threads: 'readWrite' }, { loop: ['start'] }],
  },
  // A child thread's end (done, escalated, failed) answers its parent's wait, or starts the
  // parent's next turn: notify and on-failure record it in the parent and resume it.
  notify: {
    id: 'Notify',
    name: 'notify',
    entry: 'lambdas/notify.ts',
    description:
      'threadline notify: tell people a thread is done or escalated; report a child’s end to its parent',
    timeout: Duration.seconds(30),
    needs: [{ threads: 'readWrite' }, 'people', 'notifies', { loop: ['start', 'respond'] }],
  },
  onFailure: {
    id: 'OnFailure',
    name: 'on-failure',
    entry: 'lambdas/on-failure.ts',
    description:
      'threadline catch-all: append a failure event, notify, report a child’s failure to its parent',
    timeout: Duration.seconds(30),
    needs: [{ threads: 'readWrite' }, 'people', 'notifies', { loop: ['start', 'respond'] }],
  },
  inboundEmail: {
    id: 'InboundEmail',
    name: 'inbound-email',
    entry: 'lambdas/inbound-email.ts',
    description: 'threadline inbound mail: read the stored mail, map a reply to its thread, enqueue it',
    timeout: Duration.seconds(30),
    // A reply decides only with the signed reference its approval mail carried.
    needs: ['thread-lookup', 'people', 'inbound-mail', 'enqueue', 'signing'],
    async: true,
    when: (config) => config.inboundDomain !== undefined,
  },
  redrive: {
    id: 'Redrive',
    name: 'redrive',
    entry: 'lambdas/redrive.ts',
    description: 'threadline redrive: move dead-lettered messages and mail back to where they failed',
    // API Gateway answers within 29 s: a call moves up to its limit, the CLI calls until done.
    timeout: Duration.seconds(25),
    needs: ['dead-letters', 'enqueue'],
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;
