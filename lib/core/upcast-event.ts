import * as z from 'zod';
import { CorruptEventError, FutureEventVersionError, type StoredEventPlace, UpcastError } from './errors.ts';
import { type Event, EventSchema, type EventType } from './events.ts';
import { describeIssues, oneLine } from './tools.ts';
import { currentVersionOf, type UpcasterChain } from './upcasters.ts';

/** An event as it was read back from storage: its envelope, the version it was written at, its data. */
export interface StoredEventFields {
  id: string;
  seq: number;
  at: string;
  type: EventType;
  key?: string;
  schemaVersion: number;
  data: unknown;
}

/**
 * Brings a stored event to the current shape: runs its data through the type's upcasters from
 * the version it was stored at, then parses the whole event with `EventSchema`. An event already
 * at the current version only gets parsed.
 *
 * Throws `FutureEventVersionError` for a version newer than the chain knows, `UpcastError` when an
 * upcaster throws or its output does not fit the schema, and `CorruptEventError` when an event
 * stored at the current version does not fit it. Each names the thread, seq, event id and type.
 */
export const upcastStoredEvent = (
  threadId: string,
  stored: StoredEventFields,
  chain: UpcasterChain,
): Event => {
  const place: StoredEventPlace = { threadId, seq: stored.seq, eventId: stored.id, type: stored.type };
  if (!Number.isInteger(stored.schemaVersion) || stored.schemaVersion < 1)
    throw new CorruptEventError(
      threadId,
      stored.seq,
      `schema version ${stored.schemaVersion} is not a version`,
    );
  const current = currentVersionOf(chain, stored.type);
  if (stored.schemaVersion > current) throw new FutureEventVersionError(place, stored.schemaVersion, current);

  let data = stored.data;
  const pending = (chain[stored.type] ?? []).slice(stored.schemaVersion - 1);
  for (const [index, upcaster] of pending.entries()) {
    const from = stored.schemaVersion + index;
    try {
      data = upcaster(data);
    } catch (error) {
      const reason = reasonOf(error);
      throw new UpcastError(
        place,
        stored.schemaVersion,
        `the upcaster from version ${from} to ${from + 1} threw: ${reason}`,
        { cause: error },
      );
    }
  }

  const { schemaVersion: _version, key, ...envelope } = stored;
  const event = EventSchema.safeParse({ ...envelope, ...(key === undefined ? {} : { key }), data });
  if (event.success) return event.data;
  const issues = describeIssues(event.error);
  if (stored.schemaVersion === current)
    throw new CorruptEventError(threadId, stored.seq, `${stored.type}: ${issues}`, { cause: event.error });
  throw new UpcastError(
    place,
    stored.schemaVersion,
    `the result does not fit ${stored.type} version ${current}: ${issues}`,
    { cause: event.error },
  );
};

/** One line: a zod error (an upcaster parsing the old shape) as its issues, never its JSON dump. */
const reasonOf = (error: unknown): string => {
  if (error instanceof z.ZodError) return describeIssues(error);
  return oneLine(error instanceof Error ? error.message : String(error));
};
