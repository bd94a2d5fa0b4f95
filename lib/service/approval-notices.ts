import type { PendingApproval } from '../core/thread-state.ts';
import type { AgentPeople } from './agent-people.ts';
import type { NotifyingDeps } from './deps.ts';

/** One approval's binding for one approver or channel (see `SignInput` in approval-links.ts). */
export interface ApprovalGrant {
  threadId: string;
  approvalId: string;
  callId: string;
  argsHash: string;
  approver: string;
  /** ISO-8601. */
  expiresAt: string;
}

export interface ApprovalNoticeDeps extends NotifyingDeps {
  /**
   * The signed link an approver decides with, and the signed reference a mail reply decides with:
   * both cover the same binding. Neither carries the task token.
   */
  signApproval(grant: ApprovalGrant): Promise<{ link: string; reference: string }>;
}

export interface ApprovalRound {
  /** Who is asked in this round: the approvers, or the fallback approvers. */
  approvers: readonly string[];
  /** When this round's links stop working. */
  expiresAt: string;
  fallback: boolean;
}

/**
 * Asks for a decision on each of the agent's channels. By email every approver gets a link
 * signed for them, so the decision records who made it. Slack and webhooks reach a room or a
 * system rather than a person: they get one link, signed for the channel (`slack`, `webhook`),
 * and whoever can read that channel can decide; the decision records the channel.
 */
export const requestApproval = async (
  threadId: string,
  pending: Pick<PendingApproval, 'approvalId' | 'callId' | 'argsHash' | 'tool' | 'args'>,
  round: ApprovalRound,
  people: AgentPeople,
  deps: ApprovalNoticeDeps,
): Promise<void> => {
  const { approvalId, callId, argsHash, tool, args } = pending;
  const grant = (approver: string): ApprovalGrant => ({
    threadId,
    approvalId,
    callId,
    argsHash,
    approver,
    expiresAt: round.expiresAt,
  });
  const common = {
    kind: 'approval-requested' as const,
    threadId,
    approvalId,
    tool,
    args,
    expiresAt: round.expiresAt,
    ...(round.fallback ? { fallback: true } : {}),
  };
  const { channels } = people;
  if (channels === undefined || channels.includes('email')) {
    for (const approver of round.approvers) {
      const { link, reference } = await deps.signApproval(grant(approver));
      await deps.notifier.notify({
        ...common,
        to: [approver],
        link,
        reference,
        ...(channels === undefined ? {} : { channels: ['email'] }),
      });
    }
  }
  for (const channel of (channels ?? []).filter((candidate) => candidate !== 'email')) {
    const { link } = await deps.signApproval(grant(channel));
    await deps.notifier.notify({ ...common, to: [...round.approvers], link, channels: [channel] });
  }
};
