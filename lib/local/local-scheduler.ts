import { randomUUID } from 'node:crypto';
import {
  nextFireTime,
  parseScheduleExpression,
  type ScheduleExpression,
  ScheduleExpressionError,
} from './schedule-expression.ts';

/** A schedule as the template declares it, with its target as a local function. */
export interface ScheduleDescription {
  name: string;
  /** `rate(5 minutes)`, `cron(0 9 ? * MON-FRI *)` or `at(2026-12-01T09:00:00)`. */
  expression: string;
  /** IANA time zone for cron and at (the schedule's `ScheduleExpressionTimezone`); UTC by default. */
  timezone?: string;
  /** The target's input, after Scheduler's `<aws.scheduler.*>` placeholders are filled in. */
  target: (input: string) => Promise<unknown>;
  input: string;
}

export interface LocalSchedulerOptions {
  now?: () => Date;
  region?: string;
  accountId?: string;
  /** Told when a timed firing's target fails; by default written to stderr. */
  onError?: (error: unknown, scheduleName: string) => void;
}

interface Entry {
  schedule: ScheduleDescription;
  expression: ScheduleExpression;
  timer?: NodeJS.Timeout;
  next?: Date;
}

/** Node timers overflow past 2^31 - 1 ms; a longer wait re-arms on the way. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * EventBridge Scheduler on one machine: each schedule fires its target at the times its expression
 * names, with `<aws.scheduler.scheduled-time>` (ISO, no milliseconds), `<aws.scheduler.schedule-arn>`,
 * `<aws.scheduler.execution-id>` and `<aws.scheduler.attempt-number>` replaced in its input.
 * `fire(name)` fires one at once. Retries and flexible time windows are not emulated.
 */
export class LocalScheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => Date;
  private startedAt: Date | undefined;

  constructor(
    schedules: readonly ScheduleDescription[],
    private readonly options: LocalSchedulerOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    for (const schedule of schedules) {
      try {
        const expression = parseScheduleExpression(schedule.expression);
        nextFireTime(expression, this.now(), { timeZone: schedule.timezone ?? 'UTC' });
        this.entries.set(schedule.name, { schedule, expression });
      } catch (error) {
        if (!(error instanceof ScheduleExpressionError)) throw error;
        throw new ScheduleExpressionError(`schedule ${schedule.name}: ${error.message}`, { cause: error });
      }
    }
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  start(): void {
    if (this.startedAt) return;
    this.startedAt = this.now();
    for (const entry of this.entries.values()) this.arm(entry, this.startedAt);
  }

  /** When the schedule fires next: once started, the armed time; before, as if started now. */
  nextFireTime(name: string): Date | undefined {
    const entry = this.entry(name);
    if (this.startedAt) return entry.next;
    return nextFireTime(entry.expression, this.now(), { timeZone: entry.schedule.timezone ?? 'UTC' });
  }

  /** Fires the schedule's target now, as a firing scheduled for this second; rejects if it fails. */
  async fire(name: string): Promise<void> {
    const entry = this.entry(name);
    await entry.schedule.target(this.inputFor(entry.schedule, this.now()));
  }

  stop(): void {
    for (const entry of this.entries.values()) {
      clearTimeout(entry.timer);
      entry.timer = undefined;
      entry.next = undefined;
    }
    this.startedAt = undefined;
  }

  private arm(entry: Entry, after: Date): void {
    const { timezone = 'UTC' } = entry.schedule;
    const startedAt = this.startedAt;
    entry.next = nextFireTime(entry.expression, after, {
      timeZone: timezone,
      ...(startedAt ? { startedAt } : {}),
    });
    if (!entry.next) return;
    const due = entry.next;
    const wait = (): void => {
      const delay = due.getTime() - this.now().getTime();
      entry.timer = setTimeout(
        () => (delay > MAX_TIMER_MS ? wait() : this.run(entry, due)),
        Math.min(delay, MAX_TIMER_MS),
      );
      entry.timer.unref?.();
    };
    wait();
  }

  private run(entry: Entry, due: Date): void {
    entry.schedule
      .target(this.inputFor(entry.schedule, due))
      .catch((error: unknown) => this.report(error, entry.schedule.name));
    // Missed firings (a laptop asleep) are skipped: the next one is after now.
    const now = this.now();
    this.arm(entry, now > due ? now : due);
  }

  private inputFor(schedule: ScheduleDescription, scheduledTime: Date): string {
    const seconds = new Date(Math.floor(scheduledTime.getTime() / 1000) * 1000);
    const arn = `arn:aws:scheduler:${this.options.region ?? 'local'}:${this.options.accountId ?? '000000000000'}:schedule/default/${schedule.name}`;
    return schedule.input
      .replaceAll('<aws.scheduler.scheduled-time>', seconds.toISOString().replace('.000Z', 'Z'))
      .replaceAll('<aws.scheduler.schedule-arn>', arn)
      .replaceAll('<aws.scheduler.execution-id>', randomUUID())
      .replaceAll('<aws.scheduler.attempt-number>', '1');
  }

  private report(error: unknown, name: string): void {
    if (this.options.onError) this.options.onError(error, name);
    else console.error(`[schedule ${name}]`, error);
  }

  private entry(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry)
      throw new Error(`no schedule ${name}: the local scheduler has ${this.names().join(', ') || 'none'}`);
    return entry;
  }
}
