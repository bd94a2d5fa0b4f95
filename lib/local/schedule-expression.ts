import {
  type CronFields,
  nextCronWallTime,
  parseCronFields,
  ScheduleExpressionError,
} from './cron-expression.ts';

export { ScheduleExpressionError } from './cron-expression.ts';

/** An EventBridge Scheduler expression: `rate(...)`, `cron(...)` or a one-time `at(...)`. */
export type ScheduleExpression =
  | { kind: 'rate'; everyMs: number }
  | { kind: 'cron'; fields: CronFields }
  | { kind: 'at'; wall: number };

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

export const parseScheduleExpression = (text: string): ScheduleExpression => {
  const rate = /^rate\((\d+) (minute|hour|day)(s?)\)$/.exec(text.trim());
  if (rate) {
    const [, count = '', unit = 'minute', plural] = rate;
    const value = Number(count);
    if (value < 1 || (value === 1) !== (plural === ''))
      throw new ScheduleExpressionError(`${text}: use "1 ${unit}" or "<n> ${unit}s" with n > 1`);
    return { kind: 'rate', everyMs: value * UNIT_MS[unit as keyof typeof UNIT_MS] };
  }
  const cron = /^cron\((.*)\)$/.exec(text.trim());
  if (cron) return { kind: 'cron', fields: parseCronFields(cron[1] ?? '') };
  const at = /^at\((\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\)$/.exec(text.trim());
  if (at) {
    const [, year, month, day, hour, minute, second] = at.map(Number);
    return { kind: 'at', wall: Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second) };
  }
  throw new ScheduleExpressionError(
    `${text}: expected rate(<n> <unit>), cron(<6 fields>) or at(yyyy-mm-ddThh:mm:ss)`,
  );
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time at `instant` in `timeZone`, as UTC milliseconds standing for that local time. */
export const wallTimeOf = (instant: number, timeZone: string): number => {
  let format = formatters.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new ScheduleExpressionError(`unknown time zone ${timeZone}`);
    }
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(
    format.formatToParts(instant).map((part) => [part.type, Number(part.value)]),
  );
  const wall = Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  );
  return wall + (instant % 1000);
};

/**
 * The instant a local time names: the earlier one when clocks fall back and it happens twice,
 * undefined when clocks spring forward over it.
 */
export const instantOf = (wall: number, timeZone: string): number | undefined => {
  const offsets = new Set(
    [-1, 1].map((days) => wallTimeOf(wall + days * 86_400_000, timeZone) - (wall + days * 86_400_000)),
  );
  const instants = [...offsets]
    .map((offset) => wall - offset)
    .filter((instant) => wallTimeOf(instant, timeZone) === wall);
  return instants.length === 0 ? undefined : Math.min(...instants);
};

/**
 * When the schedule next fires strictly after `after`, or undefined when it never does again. A
 * rate counts from `startedAt` (its first firing is one period later); cron and at read their times
 * in `timeZone` (UTC by default). A local time skipped by a daylight-saving change does not fire;
 * one that happens twice fires once.
 */
export const nextFireTime = (
  expression: ScheduleExpression,
  after: Date,
  options: { timeZone?: string; startedAt?: Date } = {},
): Date | undefined => {
  const timeZone = options.timeZone ?? 'UTC';
  const afterMs = after.getTime();
  switch (expression.kind) {
    case 'rate': {
      const start = (options.startedAt ?? after).getTime();
      const periods = Math.max(1, Math.floor((afterMs - start) / expression.everyMs) + 1);
      return new Date(start + periods * expression.everyMs);
    }
    case 'at': {
      const instant = instantOf(expression.wall, timeZone);
      return instant !== undefined && instant > afterMs ? new Date(instant) : undefined;
    }
    case 'cron': {
      let wall = wallTimeOf(afterMs, timeZone);
      for (;;) {
        const next = nextCronWallTime(expression.fields, wall);
        if (next === undefined) return undefined;
        const instant = instantOf(next, timeZone);
        if (instant !== undefined && instant > afterMs) return new Date(instant);
        wall = next;
      }
    }
  }
};
