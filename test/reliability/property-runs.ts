import fc from 'fast-check';
import * as z from 'zod';

/**
 * How many generated inputs the reliability properties try, read from one setting:
 * `THREADLINE_RELIABILITY_SCALE` multiplies every property's base run count. Unset, each property
 * runs its base count, which is what `npm test` runs; `npm run test:reliability` sets a larger
 * factor so that the record covers tens of thousands of inputs. A factor below 1 gives a quicker pass.
 */
const ScaleSchema = z.coerce.number().positive().max(1000).default(1);

const parseScale = (value: string | undefined): number => {
  const parsed = ScaleSchema.safeParse(value === '' ? undefined : value);
  if (!parsed.success)
    throw new Error(`THREADLINE_RELIABILITY_SCALE must be a positive number, not ${JSON.stringify(value)}`);
  return parsed.data;
};

export const RELIABILITY_SCALE = parseScale(process.env.THREADLINE_RELIABILITY_SCALE);

/** The run count for a property whose base count is `base`: at least one run. */
export const runsFor = (base: number): number => Math.max(1, Math.round(base * RELIABILITY_SCALE));

/**
 * A test timeout that grows with the scale, so that a larger scale never turns a property into a
 * timeout. It is a guard against a hang, never a measurement: no property asserts how long it took.
 */
export const propertyTimeout = (baseMs = 60_000): number =>
  Math.ceil(baseMs * Math.max(1, RELIABILITY_SCALE));

/**
 * Runs the property `runsFor(baseRuns)` times and returns how many runs fast-check made (runs
 * skipped by `fc.pre` are not counted), which is what a check records as its inputs tried. A
 * failure throws fast-check's own report: the counterexample, the seed and the path to replay it.
 */
export const checkProperty = async <Ts>(
  property: fc.IRawProperty<Ts>,
  baseRuns: number,
  parameters: Omit<fc.Parameters<Ts>, 'numRuns'> = {},
): Promise<number> => {
  const details = await fc.check(property, { ...parameters, numRuns: runsFor(baseRuns) });
  if (details.failed)
    throw new Error(await fc.asyncDefaultReportMessage(details), { cause: details.errorInstance });
  return details.numRuns;
};
