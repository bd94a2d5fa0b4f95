import type { Agent } from './agent.ts';
import { ThreadStateError } from './errors.ts';
import type { NewEvent, Thread } from './events.ts';
import { hashArgs } from './hash.ts';
import type { Clock, Ids } from './ports.ts';
import { approvalReasonForCall } from './rule-of-two.ts';
import { deriveThreadState } from './thread-state.ts';

export interface RunToolDeps {
  clock: Clock;
  ids: Ids;
}

/**
 * Runs the thread's pending tool call and returns its `tool-result` or `tool-error`. The
 * result's key is the call id, so a retried run appends nothing twice; tools receive the call
 * id too, to make their own side effects idempotent.
 *
 * A call that needs approval runs only if the thread holds an approval for exactly these
 * arguments: the state machine routes through approval, and this check makes sure of it. A call
 * needs approval when its tool always does, and when the rule of two gates it: the thread had read
 * outside content before the call was made and the tool is not read-only. A server's tool also
 * needs the approval to be of the tool as its server describes it now.
 */
export const runTool = async (
  thread: Thread,
  agent: Agent,
  callId: string,
  deps: RunToolDeps,
): Promise<NewEvent[]> => {
  const state = deriveThreadState(thread.events);
  const call = state.pendingCall;
  if (!call || call.callId !== callId) {
    throw new ThreadStateError(thread.id, `no pending tool call ${callId}`);
  }
  const base = { id: deps.ids.next('ev'), at: deps.clock.now(), key: `result:${callId}` };
  const tool = agent.tools.find((candidate) => candidate.name === call.tool);
  if (!tool) {
    return [
      {
        ...base,
        type: 'tool-error',
        data: { callId, tool: call.tool, message: `unknown tool "${call.tool}"` },
      },
    ];
  }
  const reason = approvalReasonForCall(thread.events, tool, callId);
  if (reason) {
    const approval = approvalOf(thread, callId, hashArgs(call.args), tool.fingerprint);
    if (approval !== 'approved') {
      const message =
        approval === 'tool-changed'
          ? 'not approved: the tool changed on its server after it was approved; call it again to ask a person anew'
          : reason.kind === 'outside-content'
            ? 'not approved: this thread read outside content, so this tool runs only after a person approves these exact arguments'
            : 'not approved: this tool runs only after a person approves these exact arguments';
      return [{ ...base, type: 'tool-error', data: { callId, tool: tool.name, message } }];
    }
  }
  const outcome = await tool.run(call.args, { threadId: thread.id, callId });
  const untrusted = tool.untrusted ? { untrusted: true as const } : {};
  return outcome.ok
    ? [
        {
          ...base,
          type: 'tool-result',
          data: { callId, tool: tool.name, result: outcome.result, ...untrusted },
        },
      ]
    : [{ ...base, type: 'tool-error', data: { callId, tool: tool.name, message: outcome.message } }];
};

/**
 * Whether a person approved this call with exactly these arguments (as asked, or as edited), and,
 * for a server's tool, while the tool was exactly as it is now (`fingerprint`, recorded in the
 * request as `toolHash`).
 */
const approvalOf = (
  thread: Thread,
  callId: string,
  argsHash: string,
  fingerprint: string | undefined,
): 'approved' | 'tool-changed' | 'none' => {
  const requests = new Map<string, { argsHash: string; toolHash?: string }>();
  let changed = false;
  for (const event of thread.events) {
    if (event.type === 'approval-request' && event.data.callId === callId) {
      requests.set(event.data.approvalId, event.data);
    }
    if (event.type !== 'approval-decision') continue;
    const request = requests.get(event.data.approvalId);
    if (request === undefined) continue;
    const approved =
      (event.data.decision === 'approve' && request.argsHash === argsHash) ||
      (event.data.decision === 'edit' && hashArgs(event.data.args) === argsHash);
    if (!approved) continue;
    if (request.toolHash === fingerprint) return 'approved';
    changed = true;
  }
  return changed ? 'tool-changed' : 'none';
};
