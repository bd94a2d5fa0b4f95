import type { NotifyingDeps } from '../lib/service/deps.ts';
import type { Base } from './base.ts';
import type { Makers } from './lazy.ts';
import { loopPieces } from './loop-pieces.ts';
import { notifierFor } from './notifier-for.ts';

/** What the functions that tell people run on: the loop, the deployment's people and the notifier (SES, Slack, webhooks). */
export const notifyingPieces = (base: Base): Makers<NotifyingDeps> => ({
  ...loopPieces(base),
  notifier: () => notifierFor(base.config(), base.telemetry),
  approvers: () => base.people().approvers,
  fallbackApprovers: () => base.people().fallbackApprovers,
  channels: () => base.people().channels,
  allowedSenders: () => base.people().allowedSenders,
});
