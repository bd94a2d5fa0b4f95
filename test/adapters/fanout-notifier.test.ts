import { describe, expect, it } from 'vitest';
import { ChannelDeliveryError, FanoutNotifier } from '../../lib/adapters/fanout-notifier.ts';
import { type Notification, RecordingNotifier } from '../../lib/adapters/notifier.ts';

const done = (channels?: Notification['channels']): Notification => ({
  kind: 'done',
  threadId: 'th-1',
  message: 'ok',
  ...(channels ? { channels } : {}),
});

const setup = () => {
  const email = new RecordingNotifier();
  const slack = new RecordingNotifier();
  const skipped: string[] = [];
  const notifier = new FanoutNotifier({
    channels: { email, slack },
    onUnconfigured: (channel) => skipped.push(channel),
  });
  return { email, slack, skipped, notifier };
};

describe('FanoutNotifier', () => {
  it('sends on the channels a notification names, once each', async () => {
    const { email, slack, notifier } = setup();

    await notifier.notify(done(['slack', 'slack']));

    expect(email.sent).toEqual([]);
    expect(slack.sent).toEqual([done(['slack', 'slack'])]);
  });

  it('sends on every configured channel when a notification names none', async () => {
    const { email, slack, notifier } = setup();

    await notifier.notify(done());

    expect(notifier.configured).toEqual(['email', 'slack']);
    expect([email.sent.length, slack.sent.length]).toEqual([1, 1]);
  });

  it('skips, and reports, a channel this deployment has not configured', async () => {
    const { email, skipped, notifier } = setup();

    await notifier.notify(done(['email', 'webhook']));

    expect(email.sent).toHaveLength(1);
    expect(skipped).toEqual(['webhook']);
  });

  it('tries every channel, then throws naming the ones that failed', async () => {
    const slack = new RecordingNotifier();
    const notifier = new FanoutNotifier({
      channels: {
        email: { notify: async () => Promise.reject(new Error('SES throttled')) },
        slack,
      },
    });

    const failure = notifier.notify(done(['email', 'slack']));

    await expect(failure).rejects.toBeInstanceOf(ChannelDeliveryError);
    await expect(failure).rejects.toThrow('thread th-1: not delivered on email (Error: SES throttled)');
    expect(slack.sent).toHaveLength(1);
  });
});
