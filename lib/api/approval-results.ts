import type { Context } from 'hono';
import type { LinkCheck } from '../adapters/approval-links.ts';
import type { WaitAnswer } from '../service/decide-wait.ts';
import type { ApiEnv } from './deps.ts';
import { messagePage, sendPage } from './pages.ts';

/** The plain pages an approval link can end on: a result, or why nothing happened. */

export const linkRefused = (
  c: Context<ApiEnv>,
  reason: Exclude<LinkCheck, { ok: true }>['reason'],
): Response =>
  reason === 'expired'
    ? sendPage(
        c,
        403,
        messagePage('This link has expired', 'Ask for a new link if the decision is still needed.'),
      )
    : sendPage(
        c,
        403,
        messagePage(
          'This link does not work',
          'It is incomplete or was changed. Open the link exactly as you received it.',
        ),
      );

/** A genuine link, used for something it was not made for (reject through an approve-only link). */
export const decisionNotAllowed = (c: Context<ApiEnv>): Response =>
  sendPage(c, 403, messagePage('This link cannot do that', 'Use the forms on the page this link opens.'));

export const nothingToDecide = (c: Context<ApiEnv>): Response =>
  sendPage(c, 404, messagePage('Nothing to decide', 'No approval or question has this id.'));

export const alreadyDecided = (
  c: Context<ApiEnv>,
  wait: { decidedBy?: string; decidedAt?: string },
): Response =>
  sendPage(
    c,
    200,
    messagePage(
      'Already decided',
      `This was already decided by ${wait.decidedBy ?? 'someone'} at ${wait.decidedAt ?? 'an earlier time'}. Nothing more to do.`,
    ),
  );

export const threadCancelled = (c: Context<ApiEnv>): Response =>
  sendPage(c, 409, messagePage('This thread was cancelled', 'There is nothing left to decide.'));

const DECIDED: Record<WaitAnswer['decision'], [title: string, message: string]> = {
  approve: ['Approved', 'Approved. The agent continues.'],
  edit: ['Approved with your changes', 'Approved with your arguments. The agent continues.'],
  reject: ['Rejected', 'Rejected. The agent reads your feedback and revises.'],
  answer: ['Answer sent', 'Answer sent. The agent continues.'],
  expired: ['Expired', 'Marked as expired.'],
};

export const decided = (c: Context<ApiEnv>, decision: WaitAnswer['decision']): Response => {
  const [title, message] = DECIDED[decision];
  return sendPage(c, 200, messagePage(title, `${message} You can close this page.`));
};
