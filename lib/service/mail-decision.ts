import type { MailDecision } from '../adapters/ingress-message.ts';

const MAX_FEEDBACK = 10_000;

/**
 * The decision a reply states on its first line, if it states one: `approve`, or
 * `reject: <reason>` (any case; a trailing full stop or `!` is fine). The reason is the rest of
 * that line and whatever follows it, so a longer explanation reaches the model too. `reply` is
 * the reply's own text, with the quoted history already taken out (reply-text.ts). A bare
 * `reject` decides nothing: the model needs the reason to revise.
 */
export const decisionIn = (reply: string): MailDecision | undefined => {
  const lines = reply.replace(/\r\n?/g, '\n').split('\n');
  const firstIndex = lines.findIndex((line) => line.trim() !== '');
  const first = lines[firstIndex]?.trim();
  if (first === undefined) return undefined;
  if (/^approved?\s*[.!]?$/i.test(first)) return { decision: 'approve' };
  const rejected = /^reject(?:ed)?\s*:\s*(.*)$/i.exec(first);
  if (!rejected) return undefined;
  const feedback = [rejected[1] ?? '', ...lines.slice(firstIndex + 1)].join('\n').trim();
  if (feedback === '') return undefined;
  return { decision: 'reject', feedback: feedback.slice(0, MAX_FEEDBACK) };
};
