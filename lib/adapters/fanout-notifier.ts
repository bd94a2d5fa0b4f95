import { type HumanChannel, HumanChannelSchema } from '../core/humans.ts';
import { describeError } from './model-retry.ts';
import type { Notification, Notifier } from './notifier.ts';

export interface FanoutNotifierOptions {
  /** The channels this deployment has, each with its notifier. */
  channels: Partial<Record<HumanChannel, Notifier>>;
  /** Told when a notification names a channel that is not configured: it is skipped. */
  onUnconfigured?: (channel: HumanChannel, notification: Notification) => void;
}

/** Some channels did not take a notification; the others did. */
export class ChannelDeliveryError extends Error {
  override readonly name = 'ChannelDeliveryError';
  constructor(
    readonly threadId: string,
    readonly failures: readonly { channel: HumanChannel; error: string }[],
  ) {
    super(
      `thread ${threadId}: not delivered on ${failures.map((failure) => `${failure.channel} (${failure.error})`).join(', ')}`,
    );
  }
}

/**
 * Sends each notification on the channels it names (the agent's), or on every configured one.
 * Every channel is tried even when one fails; then the failures are thrown together, so the task
 * is retried. A retry tells the channels that worked again: notifications are at least once.
 */
export class FanoutNotifier implements Notifier {
  constructor(private readonly options: FanoutNotifierOptions) {}

  /** The channels that have a notifier: what a notification naming none goes to. */
  get configured(): HumanChannel[] {
    return HumanChannelSchema.options.filter((channel) => this.options.channels[channel] !== undefined);
  }

  async notify(notification: Notification): Promise<void> {
    const failures: { channel: HumanChannel; error: string }[] = [];
    for (const channel of new Set(notification.channels ?? this.configured)) {
      const notifier = this.options.channels[channel];
      if (notifier === undefined) {
        this.options.onUnconfigured?.(channel, notification);
        continue;
      }
      try {
        await notifier.notify(notification);
      } catch (error) {
        failures.push({ channel, error: describeError(error) });
      }
    }
    if (failures.length > 0) throw new ChannelDeliveryError(notification.threadId, failures);
  }
}
