import type { Agent } from '../core/agent.ts';
import { domainOfAddress, isSameAddress, normalizeAddress } from '../core/email-address.ts';
import type { HumanChannel } from '../core/humans.ts';

/** The deployment's people settings: every agent's defaults. */
export interface PeopleDefaults {
  /** `APPROVER_EMAILS`. */
  approvers: readonly string[];
  /** `FALLBACK_APPROVER_EMAILS`. */
  fallbackApprovers?: readonly string[];
  /** `APPROVAL_TIMEOUT_SECONDS`. */
  approvalTimeoutSeconds?: number;
  /** The channels this deployment has configured (email, Slack, webhook). */
  channels?: readonly HumanChannel[];
  /** `ALLOWED_SENDERS`: addresses and `@domain`s that may write to any agent. */
  allowedSenders?: readonly string[];
}

/** The people one agent works with: its own settings, the deployment's where it has none. */
export interface AgentPeople {
  approvers: readonly string[];
  /** Without anyone who is an approver already; empty when there is no fallback round. */
  fallbackApprovers: readonly string[];
  approvalTimeoutSeconds: number;
  /** Undefined when neither the agent nor the deployment names any: the notifier decides. */
  channels?: readonly HumanChannel[];
  /** Undefined: anyone may write. */
  allowedSenders?: readonly string[];
}

export const DEFAULT_APPROVAL_TIMEOUT_SECONDS = 86_400;

export const peopleOf = (agent: Agent | undefined, defaults: PeopleDefaults): AgentPeople => {
  const humans = agent?.humans;
  const approvers = humans?.approvers ?? defaults.approvers;
  const isApprover = new Set(approvers.map(normalizeAddress));
  const fallbackApprovers = (humans?.fallbackApprovers ?? defaults.fallbackApprovers ?? []).filter(
    (address) => !isApprover.has(normalizeAddress(address)),
  );
  const channels = humans?.channels ?? defaults.channels;
  const allowedSenders = humans?.allowedSenders ?? defaults.allowedSenders;
  return {
    approvers,
    fallbackApprovers: [...new Set(fallbackApprovers)],
    approvalTimeoutSeconds:
      humans?.approvalTimeoutSeconds ?? defaults.approvalTimeoutSeconds ?? DEFAULT_APPROVAL_TIMEOUT_SECONDS,
    ...(channels === undefined ? {} : { channels }),
    ...(allowedSenders === undefined ? {} : { allowedSenders }),
  };
};

/** Whether the address may decide this agent's approvals: an approver or a fallback approver. */
export const isApproverOf = (people: AgentPeople, address: string): boolean =>
  [...people.approvers, ...people.fallbackApprovers].some((approver) => isSameAddress(approver, address));

/** Whether mail from the address may reach the agent: its allowlist names it or its domain. */
export const isAllowedSender = (people: AgentPeople, address: string): boolean => {
  if (people.allowedSenders === undefined) return true;
  const sender = normalizeAddress(address);
  const domain = `@${domainOfAddress(sender)}`;
  return people.allowedSenders.some((pattern) => {
    const allowed = normalizeAddress(pattern);
    return allowed.startsWith('@') ? domain === allowed : sender === allowed;
  });
};

/**
 * When an approval requested at `requestedAt` can no longer be decided: one round, or two when
 * fallback approvers are asked after the first. The first approvers' links live that long.
 */
export const approvalDeadline = (requestedAt: string, people: AgentPeople): string => {
  const rounds = people.fallbackApprovers.length > 0 ? 2 : 1;
  return new Date(Date.parse(requestedAt) + rounds * people.approvalTimeoutSeconds * 1000).toISOString();
};
