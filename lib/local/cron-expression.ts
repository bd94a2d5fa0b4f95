/** A schedule expression that EventBridge would refuse, or that the local stack cannot evaluate. */
export class ScheduleExpressionError extends Error {
  override readonly name = 'ScheduleExpressionError';
}

type DayOfMonth =
  | { kind: 'any' }
  | { kind: 'days'; days: ReadonlySet<number> }
  | { kind: 'last' }
  | { kind: 'last-weekday' }
  | { kind: 'nearest-weekday'; day: number };

type DayOfWeek =
  | { kind: 'any' }
  | { kind: 'days'; days: ReadonlySet<number> }
  | { kind: 'last'; weekday: number }
  | { kind: 'nth'; weekday: number; nth: number };

/** EventBridge's six cron fields; weekdays are 1 (Sunday) to 7 (Saturday). */
export interface CronFields {
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  dayOfMonth: DayOfMonth;
  months: ReadonlySet<number>;
  dayOfWeek: DayOfWeek;
  years: ReadonlySet<number>;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const LAST_YEAR = 2199;

const fieldValue = (
  text: string,
  min: number,
  max: number,
  names: readonly string[] | undefined,
  field: string,
): number => {
  const named = names?.indexOf(text.toUpperCase()) ?? -1;
  const value = named >= 0 ? named + min : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max))
    throw new ScheduleExpressionError(`${field}: ${text} is not in ${min}-${max}`);
  return value;
};

/** A field: `*`, a value, a range (`1-5`), a step (`0/15`, `1-20/3`, or `*` then `/` and a step), or a list. */
const parseSet = (
  text: string,
  min: number,
  max: number,
  field: string,
  names?: readonly string[],
): Set<number> => {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : fieldValue(stepText, 1, max, undefined, field);
    let [from, to] = [min, max];
    if (range !== '*') {
      const [start = '', end] = range.split('-');
      from = fieldValue(start, min, max, names, field);
      to =
        end === undefined ? (stepText === undefined ? from : max) : fieldValue(end, min, max, names, field);
      if (to < from) throw new ScheduleExpressionError(`${field}: the range ${range} runs backwards`);
    }
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
};

const parseDayOfMonth = (text: string): DayOfMonth => {
  if (text === '?') return { kind: 'any' };
  if (text === 'L') return { kind: 'last' };
  if (text === 'LW') return { kind: 'last-weekday' };
  const nearest = /^(\d{1,2})W$/.exec(text);
  if (nearest?.[1])
    return { kind: 'nearest-weekday', day: fieldValue(nearest[1], 1, 31, undefined, 'day-of-month') };
  return { kind: 'days', days: parseSet(text, 1, 31, 'day-of-month') };
};

const parseDayOfWeek = (text: string): DayOfWeek => {
  if (text === '?') return { kind: 'any' };
  if (text === 'L') return { kind: 'days', days: new Set([7]) };
  const last = /^(\w+)L$/.exec(text);
  if (last?.[1]) return { kind: 'last', weekday: fieldValue(last[1], 1, 7, WEEKDAYS, 'day-of-week') };
  const nth = /^(\w+)#([1-5])$/.exec(text);
  if (nth?.[1] && nth[2])
    return { kind: 'nth', weekday: fieldValue(nth[1], 1, 7, WEEKDAYS, 'day-of-week'), nth: Number(nth[2]) };
  return { kind: 'days', days: parseSet(text, 1, 7, 'day-of-week', WEEKDAYS) };
};

/** The inside of `cron(...)`: minutes hours day-of-month month day-of-week year. */
export const parseCronFields = (text: string): CronFields => {
  const fields = text.trim().split(/\s+/);
  if (fields.length !== 6)
    throw new ScheduleExpressionError(
      `cron(${text}) needs 6 fields: minutes hours day-of-month month day-of-week year`,
    );
  const [minutes = '', hours = '', dayOfMonth = '', months = '', dayOfWeek = '', years = ''] = fields;
  if ((dayOfMonth === '?') === (dayOfWeek === '?'))
    throw new ScheduleExpressionError(`cron(${text}): exactly one of day-of-month and day-of-week must be ?`);
  return {
    minutes: parseSet(minutes, 0, 59, 'minutes'),
    hours: parseSet(hours, 0, 23, 'hours'),
    dayOfMonth: parseDayOfMonth(dayOfMonth),
    months: parseSet(months, 1, 12, 'month', MONTHS),
    dayOfWeek: parseDayOfWeek(dayOfWeek),
    years: parseSet(years, 1970, LAST_YEAR, 'year'),
  };
};

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();
const weekdayOf = (year: number, month: number, day: number): number =>
  new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;

const matchesDay = (fields: CronFields, year: number, month: number, day: number): boolean => {
  const last = daysIn(year, month);
  const weekday = weekdayOf(year, month, day);
  const { dayOfMonth: dom, dayOfWeek: dow } = fields;
  switch (dom.kind) {
    case 'days':
      return dom.days.has(day);
    case 'last':
      return day === last;
    case 'last-weekday': {
      const lastWeekday = weekdayOf(year, month, last);
      return day === last - (lastWeekday === 1 ? 2 : lastWeekday === 7 ? 1 : 0);
    }
    case 'nearest-weekday': {
      const target = Math.min(dom.day, last);
      const targetWeekday = weekdayOf(year, month, target);
      // Saturday moves to Friday and Sunday to Monday, never out of the month.
      if (targetWeekday === 7) return day === (target === 1 ? 3 : target - 1);
      if (targetWeekday === 1) return day === (target === last ? target - 2 : target + 1);
      return day === target;
    }
    case 'any':
      break;
  }
  switch (dow.kind) {
    case 'days':
      return dow.days.has(weekday);
    case 'last':
      return weekday === dow.weekday && day + 7 > last;
    case 'nth':
      return weekday === dow.weekday && Math.ceil(day / 7) === dow.nth;
    case 'any':
      return true;
  }
};

/**
 * The first wall-clock minute after `afterWall` (both as UTC milliseconds standing for a local
 * time) that the fields match, or undefined when none comes before the year 2200.
 */
export const nextCronWallTime = (fields: CronFields, afterWall: number): number | undefined => {
  let time = Math.floor(afterWall / 60_000) * 60_000 + 60_000;
  for (;;) {
    const date = new Date(time);
    const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    const [hour, minute] = [date.getUTCHours(), date.getUTCMinutes()];
    if (year > LAST_YEAR) return undefined;
    if (!fields.years.has(year)) time = Date.UTC(year + 1, 0, 1);
    else if (!fields.months.has(month)) time = Date.UTC(year, month, 1);
    else if (!matchesDay(fields, year, month, day)) time = Date.UTC(year, month - 1, day + 1);
    else if (!fields.hours.has(hour)) time = Date.UTC(year, month - 1, day, hour + 1);
    else if (!fields.minutes.has(minute)) time += 60_000;
    else return time;
  }
};
