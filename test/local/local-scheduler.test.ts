import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalScheduler } from '../../lib/local/local-scheduler.ts';
import { ScheduleExpressionError } from '../../lib/local/schedule-expression.ts';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-11-06T09:59:30.250Z'));
});

afterEach(() => {
  vi.useRealTimers();
});

const recorder = () => {
  const inputs: string[] = [];
  return { inputs, target: async (input: string) => void inputs.push(input) };
};

const INPUT = '{"threadId":"daily-<aws.scheduler.scheduled-time>","arn":"<aws.scheduler.schedule-arn>"}';

describe('LocalScheduler', () => {
  it('fires cron and rate schedules at their times with Scheduler’s placeholders filled in', async () => {
    const daily = recorder();
    const often = recorder();
    const scheduler = new LocalScheduler(
      [
        { name: 'daily', expression: 'cron(0 10 * * ? *)', target: daily.target, input: INPUT },
        {
          name: 'often',
          expression: 'rate(1 minute)',
          target: often.target,
          input: '<aws.scheduler.scheduled-time>',
        },
      ],
      { region: 'eu-west-1', accountId: '123456789012' },
    );
    scheduler.start();
    expect(scheduler.nextFireTime('daily')?.toISOString()).toBe('2026-11-06T10:00:00.000Z');

    await vi.advanceTimersByTimeAsync(29_749);
    expect(daily.inputs).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(daily.inputs).toEqual([
      '{"threadId":"daily-2026-11-06T10:00:00Z","arn":"arn:aws:scheduler:eu-west-1:123456789012:schedule/default/daily"}',
    ]);
    await vi.advanceTimersByTimeAsync(151_000);
    expect(often.inputs).toEqual(['2026-11-06T10:00:30Z', '2026-11-06T10:01:30Z', '2026-11-06T10:02:30Z']);
    expect(scheduler.nextFireTime('daily')?.toISOString()).toBe('2026-11-07T10:00:00.000Z');

    scheduler.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fires one schedule now, scheduled for this second', async () => {
    const daily = recorder();
    const scheduler = new LocalScheduler([
      { name: 'daily', expression: 'cron(0 10 * * ? *)', target: daily.target, input: INPUT },
    ]);
    await scheduler.fire('daily');
    expect(daily.inputs).toEqual([
      '{"threadId":"daily-2026-11-06T09:59:30Z","arn":"arn:aws:scheduler:local:000000000000:schedule/default/daily"}',
    ]);
    await expect(scheduler.fire('weekly')).rejects.toThrowError(/no schedule weekly/);
  });

  it('keeps firing after a target fails, and reports the failure', async () => {
    const failures: string[] = [];
    let calls = 0;
    const scheduler = new LocalScheduler(
      [
        {
          name: 'flaky',
          expression: 'rate(1 minute)',
          input: '{}',
          target: async () => {
            calls += 1;
            throw new Error('target down');
          },
        },
      ],
      { onError: (error, name) => failures.push(`${name}: ${String(error)}`) },
    );
    scheduler.start();
    await vi.advanceTimersByTimeAsync(120_000);
    scheduler.stop();
    expect(calls).toBe(2);
    expect(failures).toEqual(['flaky: Error: target down', 'flaky: Error: target down']);
  });

  it('names the schedule whose expression it cannot read', () => {
    expect(
      () =>
        new LocalScheduler([
          { name: 'bad', expression: 'cron(0 9 * * MON *)', input: '', target: async () => {} },
        ]),
    ).toThrowError(ScheduleExpressionError);
    expect(
      () =>
        new LocalScheduler([
          { name: 'bad', expression: 'rate(2 fortnights)', input: '', target: async () => {} },
        ]),
    ).toThrowError(/^schedule bad: rate\(2 fortnights\)/);
  });
});
