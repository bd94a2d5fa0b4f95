import { AGENT_MODULES } from '../agents/index.ts';

/**
 * The CDK context the local stack synthesizes with: a deployment as a team would configure one,
 * with mail addresses on a local domain so every notification lands in the outbox and the SMTP
 * server takes replies. Each agent gets the address `<agent>@threadline.local`, and the schedules
 * its module asks for.
 */
export const LOCAL_DOMAIN = 'threadline.local';

export const localAddressOf = (agent: string): string => `${agent}@${LOCAL_DOMAIN}`;

export const devContext = (): Record<string, unknown> => ({
  senderEmail: `agents@${LOCAL_DOMAIN}`,
  approverEmails: `you@${LOCAL_DOMAIN}`,
  inboundDomain: LOCAL_DOMAIN,
  inboundAgents: Object.fromEntries(
    AGENT_MODULES.map((module) => [localAddressOf(module.name), module.name]),
  ),
  schedules: AGENT_MODULES.flatMap((module) =>
    (module.local?.schedules ?? []).map((schedule) => ({ ...schedule, agent: module.name })),
  ),
});
