/**
 * The CDK context the local stack synthesizes with: a deployment as a team would configure one,
 * with mail addresses on a local domain so every notification lands in the outbox and the SMTP
 * server takes replies.
 */
export const LOCAL_DOMAIN = 'threadline.local';

export const devContext = (): Record<string, unknown> => ({
  senderEmail: `agents@${LOCAL_DOMAIN}`,
  approverEmails: `you@${LOCAL_DOMAIN}`,
  inboundDomain: LOCAL_DOMAIN,
  inboundAgents: { [`billing@${LOCAL_DOMAIN}`]: 'billing', [`triage@${LOCAL_DOMAIN}`]: 'triage' },
  schedules: [
    {
      name: 'monthly-retainer',
      cron: 'cron(0 9 1 * ? *)',
      agent: 'billing',
      message: 'create a $1,200 retainer link for Priya',
    },
  ],
});
