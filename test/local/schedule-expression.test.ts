import { describe, expect, it } from 'vitest';
import {
  nextFireTime,
  parseScheduleExpression,
  ScheduleExpressionError,
} from '../../lib/local/schedule-expression.ts';

const next = (expression: string, after: string, timeZone?: string): string | undefined =>
  nextFireTime(
    parseScheduleExpression(expression),
    new Date(after),
    timeZone ? { timeZone } : {},
  )?.toISOString();

describe('nextFireTime for EventBridge cron expressions', () => {
  it.each([
    [
      'weekdays at nine skip the weekend',
      'cron(0 9 ? * MON-FRI *)',
      '2026-11-06T10:00:00Z',
      '2026-11-09T09:00:00.000Z',
    ],
    ['steps from a start value', 'cron(0/15 * * * ? *)', '2026-11-06T10:07:30Z', '2026-11-06T10:15:00.000Z'],
    ['a range with a step', 'cron(10-50/20 8 * * ? *)', '2026-11-06T08:31:00Z', '2026-11-06T08:50:00.000Z'],
    [
      'month and weekday names',
      'cron(0 9 ? JAN,JUL MON *)',
      '2026-11-06T00:00:00Z',
      '2027-01-04T09:00:00.000Z',
    ],
    [
      'L: the last day of the month',
      'cron(0 12 L * ? *)',
      '2026-02-10T00:00:00Z',
      '2026-02-28T12:00:00.000Z',
    ],
    ['L again, a month later', 'cron(0 12 L * ? *)', '2026-02-28T12:00:00Z', '2026-03-31T12:00:00.000Z'],
    [
      '15W: a Sunday moves to Monday',
      'cron(0 8 15W * ? *)',
      '2026-11-01T00:00:00Z',
      '2026-11-16T08:00:00.000Z',
    ],
    [
      '1W: a Saturday the 1st moves to Monday the 3rd',
      'cron(0 8 1W * ? *)',
      '2026-07-31T00:00:00Z',
      '2026-08-03T08:00:00.000Z',
    ],
    ['LW: the last weekday', 'cron(0 8 LW * ? *)', '2026-05-01T00:00:00Z', '2026-05-29T08:00:00.000Z'],
    ['6L: the last Friday', 'cron(0 10 ? * 6L *)', '2026-11-01T00:00:00Z', '2026-11-27T10:00:00.000Z'],
    ['3#2: the second Tuesday', 'cron(0 10 ? * 3#2 *)', '2026-11-01T00:00:00Z', '2026-11-10T10:00:00.000Z'],
    ['a year field', 'cron(0 0 1 1 ? 2027)', '2026-11-06T00:00:00Z', '2027-01-01T00:00:00.000Z'],
    [
      'strictly after the given time',
      'cron(0 9 * * ? *)',
      '2026-11-06T09:00:00Z',
      '2026-11-07T09:00:00.000Z',
    ],
  ])('%s', (_title, expression, after, expected) => {
    expect(next(expression, after)).toBe(expected);
  });

  it('reads the time in the schedule’s time zone', () => {
    expect(next('cron(0 9 ? * MON-FRI *)', '2026-11-06T10:00:00Z', 'Europe/Berlin')).toBe(
      '2026-11-09T08:00:00.000Z',
    );
  });

  it('skips a local time that daylight saving jumps over', () => {
    expect(next('cron(30 2 * * ? *)', '2026-03-08T05:00:00Z', 'America/New_York')).toBe(
      '2026-03-09T06:30:00.000Z',
    );
  });

  it('fires once at a local time that happens twice when clocks fall back', () => {
    const first = next('cron(30 1 * * ? *)', '2026-11-01T04:00:00Z', 'America/New_York');
    expect(first).toBe('2026-11-01T05:30:00.000Z');
    expect(next('cron(30 1 * * ? *)', first ?? '', 'America/New_York')).toBe('2026-11-02T06:30:00.000Z');
  });

  it('says never when no time is left', () => {
    expect(next('cron(0 0 1 1 ? 2027)', '2027-01-01T00:00:00Z')).toBeUndefined();
    expect(next('cron(0 0 30 2 ? *)', '2026-01-01T00:00:00Z')).toBeUndefined();
  });
});

describe('nextFireTime for rate and at', () => {
  it('counts a rate from when the schedule started', () => {
    const rate = parseScheduleExpression('rate(5 minutes)');
    const startedAt = new Date('2026-11-06T10:00:00Z');
    expect(nextFireTime(rate, new Date('2026-11-06T10:12:00Z'), { startedAt })?.toISOString()).toBe(
      '2026-11-06T10:15:00.000Z',
    );
    expect(nextFireTime(rate, startedAt, { startedAt })?.toISOString()).toBe('2026-11-06T10:05:00.000Z');
  });

  it('fires at() once, at its local time', () => {
    expect(next('at(2026-12-01T09:00:00)', '2026-11-06T00:00:00Z', 'Europe/Berlin')).toBe(
      '2026-12-01T08:00:00.000Z',
    );
    expect(next('at(2026-12-01T09:00:00)', '2026-12-01T09:00:00Z')).toBeUndefined();
  });
});

describe('parseScheduleExpression', () => {
  it.each([
    ['cron(0 9 * * MON *)', /exactly one of day-of-month and day-of-week/],
    ['cron(0 9 ? * ?)', /6 fields/],
    ['cron(61 9 * * ? *)', /minutes: 61 is not in 0-59/],
    ['cron(0 9 ? * FUNDAY *)', /day-of-week: FUNDAY/],
    ['cron(0 9 10-5 * ? *)', /runs backwards/],
    ['rate(1 minutes)', /"1 minute"/],
    ['rate(5 minute)', /"<n> minutes"/],
    ['rate(0 minutes)', /rate/],
    ['every day', /expected rate/],
  ])('refuses %s with a clear error', (expression, message) => {
    expect(() => parseScheduleExpression(expression)).toThrowError(ScheduleExpressionError);
    expect(() => parseScheduleExpression(expression)).toThrowError(message);
  });

  it('refuses an unknown time zone', () => {
    expect(() =>
      nextFireTime(parseScheduleExpression('cron(0 9 * * ? *)'), new Date(), { timeZone: 'Mars/Olympus' }),
    ).toThrowError(/unknown time zone Mars\/Olympus/);
  });
});
