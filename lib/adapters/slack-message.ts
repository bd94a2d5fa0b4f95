import type { JsonObject } from '../core/json.ts';
import type { Notification } from './notifier.ts';

/** The Block Kit blocks threadline posts: a section, a context line, and a link button. */
export type SlackBlock =
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] }
  | {
      type: 'actions';
      elements: {
        type: 'button';
        action_id: string;
        text: { type: 'plain_text'; text: string };
        url: string;
        style?: 'primary';
      }[];
    };

export interface SlackMessage {
  /** What notifications and screen readers show; Slack wants it beside blocks. */
  text: string;
  blocks: SlackBlock[];
}

const SECTION_CHARS = 2900;
const ARG_CHARS = 200;
const MAX_ARGS = 12;

/**
 * The Slack message for a notification. An approval gets a button to its approval page: the
 * signed link, which names the approval and expires, never the task token. Slack's webhook
 * buttons only open the page; deciding is a POST from that page, so link unfurlers decide nothing.
 */
export const slackMessageOf = (notification: Notification): SlackMessage => {
  const thread = `thread \`${escapeMrkdwn(notification.threadId)}\``;
  switch (notification.kind) {
    case 'approval-requested': {
      const headline = `*Approval needed*: \`${escapeMrkdwn(notification.tool)}\` in ${thread}`;
      const overdue = notification.fallback
        ? '\n:hourglass: Nobody decided in time: this now goes to the fallback approvers.'
        : '';
      const until = notification.expiresAt ? `The link works until ${notification.expiresAt}. ` : '';
      return {
        text: `Approval needed: ${notification.tool}`,
        blocks: [
          section(`${headline}${overdue}\n${argsSummary(notification.args)}`),
          context(`${until}Approvers: ${escapeMrkdwn((notification.to ?? []).join(', ') || 'the team')}`),
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                action_id: 'open-approval',
                text: { type: 'plain_text', text: 'Review and decide' },
                url: notification.link,
                style: 'primary',
              },
            ],
          },
        ],
      };
    }
    case 'question':
      return message(
        `A question from ${thread}`,
        `*Question* from ${thread}\n${quote(notification.question)}`,
      );
    case 'done':
      return message(`Done: ${thread}`, `*Done*: ${thread}\n${quote(notification.message)}`);
    case 'escalation':
      return message(
        `Needs a person: ${thread}`,
        `*Needs a person* (${escapeMrkdwn(notification.reason)}): ${thread}\n${quote(notification.detail)}`,
      );
    case 'failure':
      return message(`Failed: ${thread}`, `*Failed*: ${thread}\n${quote(notification.error)}`);
  }
};

const message = (text: string, body: string): SlackMessage => ({
  text: text.replace(/`/g, ''),
  blocks: [section(body)],
});

const section = (text: string): SlackBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(text, SECTION_CHARS) },
});

const context = (text: string): SlackBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: clip(text, SECTION_CHARS) }],
});

/** One line per argument, `name: value`, each clipped: a summary, the page shows them whole. */
const argsSummary = (args: JsonObject): string => {
  const entries = Object.entries(args);
  const lines = entries
    .slice(0, MAX_ARGS)
    .map(
      ([name, value]) =>
        `• ${escapeMrkdwn(name)}: ${escapeMrkdwn(clip(JSON.stringify(value) ?? 'null', ARG_CHARS))}`,
    );
  if (entries.length > MAX_ARGS) lines.push(`• … and ${entries.length - MAX_ARGS} more`);
  return lines.length === 0 ? '(no arguments)' : lines.join('\n');
};

const quote = (text: string): string =>
  clip(text, SECTION_CHARS - 200)
    .split('\n')
    .map((line) => `> ${escapeMrkdwn(line)}`)
    .join('\n');

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Slack's mrkdwn needs only these three escaped; the rest of the text is shown as written. */
const escapeMrkdwn = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
