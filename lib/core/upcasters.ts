import type { EventType } from './events.ts';

/**
 * One step in the history of an event type's `data`: takes the data as version n stored it and
 * returns it as version n + 1 had it. Pure, over plain JSON: what it returns is checked by the
 * next step, and after the last step by the current zod schema, never trusted.
 */
export type Upcaster = (data: unknown) => unknown;

/**
 * Per event type, its upcasters in order: the first takes version 1 to 2, the second 2 to 3, and
 * so on. A type's current version is one more than the number of its upcasters, so the version
 * written and the chain that reads it can never disagree. A type with no entry is at version 1.
 */
export type UpcasterChain = Readonly<Partial<Record<EventType, readonly Upcaster[]>>>;

/**
 * The chain this code base reads stored events with. Empty: every event type is still at its
 * first shape, which is the shape of every event stored before versions were stamped. Changing
 * the shape of a type's data means appending its upcaster here (see docs/upcasters.md).
 */
export const EVENT_UPCASTERS: UpcasterChain = {};

/** The schema version `type` is written at under `chain`. */
export const currentVersionOf = (chain: UpcasterChain, type: EventType): number =>
  (chain[type]?.length ?? 0) + 1;

/** What an item stored without a version was written at: the first shape of every type. */
export const UNVERSIONED = 1;
