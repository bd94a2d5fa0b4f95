import { createHash } from 'node:crypto';
import { CorruptEventError } from '../core/errors.ts';
import { EVENT_TYPES, type Event, type EventType, type NewEvent } from '../core/events.ts';
import { describeIssues } from '../core/tools.ts';
import { upcastStoredEvent } from '../core/upcast-event.ts';
import { currentVersionOf, UNVERSIONED, type UpcasterChain } from '../core/upcasters.ts';
import type { PayloadStore } from './payload-store.ts';
import type { Retention } from './retention.ts';
import {
  type PayloadRef,
  type StoredEventItem,
  StoredEventItemSchema,
  seqOfSk,
  threadPk,
} from './thread-table.ts';

/** What an event item holds besides its keys, seq and expiry: shared by the event and its key marker. */
export type StoredEventBody = Omit<StoredEventItem, 'PK' | 'SK' | 'seq' | 'expiresAt'>;

/** The item for an event (`EVENT#` sort key) or for its key marker (`KEY#`): the same attributes. */
export const toEventItem = (
  threadId: string,
  sk: string,
  seq: number,
  body: StoredEventBody,
  retention: Retention,
): StoredEventItem => ({ PK: threadPk(threadId), SK: sk, seq, ...body, ...retention.stamp() });

export interface Offload {
  payloads: PayloadStore;
  /** Data whose JSON is longer than this goes to the payload store. */
  thresholdBytes: number;
}

/**
 * The item attributes for an event, stamped with the version `upcasters` says its type is at.
 * Data past the threshold goes to the payload store first, so an item that points at a payload is
 * only ever written once the payload exists.
 */
export const encodeEventBody = async (
  threadId: string,
  event: NewEvent,
  offload: Offload,
  upcasters: UpcasterChain,
): Promise<StoredEventBody> => {
  const text = JSON.stringify(event.data);
  const inline = {
    id: event.id,
    at: event.at,
    type: event.type,
    schemaVersion: currentVersionOf(upcasters, event.type),
    ...(event.key === undefined ? {} : { key: event.key }),
  };
  const bytes = Buffer.byteLength(text, 'utf-8');
  if (bytes <= offload.thresholdBytes) return { ...inline, data: text };
  const sha256 = createHash('sha256').update(text).digest('hex');
  // The hash in the key: a retry of the same event rewrites the same object, a different body never overwrites it.
  const key = `threads/${safeSegment(threadId)}/${safeSegment(event.id)}-${sha256}.json`;
  await offload.payloads.put(key, text);
  return { ...inline, dataRef: { key, bytes, sha256 } };
};

const safeSegment = (text: string): string =>
  text.replace(/[^A-Za-z0-9_-]/g, (character) =>
    [...Buffer.from(character, 'utf-8')]
      .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
      .join(''),
  );

/**
 * Turns an item read back into an event of the current shape, or throws naming the thread and
 * seq: `CorruptEventError` for an item that does not parse, `FutureEventVersionError` or
 * `UpcastError` for data `upcasters` cannot bring to the current schema. Nothing invalid is passed on.
 */
export const decodeEventItem = async (
  threadId: string,
  raw: Record<string, unknown>,
  readPayload: (ref: PayloadRef) => Promise<string>,
  upcasters: UpcasterChain,
): Promise<Event> => {
  const sk = typeof raw.SK === 'string' ? raw.SK : '';
  const where = seqOfSk(sk) ?? (typeof raw.seq === 'number' ? raw.seq : sk || 'unknown');
  const corrupt = (detail: string, cause?: unknown): CorruptEventError =>
    new CorruptEventError(threadId, where, detail, cause === undefined ? undefined : { cause });

  const item = StoredEventItemSchema.safeParse(raw);
  if (!item.success) throw corrupt(describeIssues(item.error), item.error);
  const { seq, id, at, type, schemaVersion, key, data, dataRef } = item.data;
  if (!isEventType(type)) throw corrupt(`unknown event type "${type}"`);
  const skSeq = seqOfSk(sk);
  if (skSeq !== undefined && skSeq !== seq)
    throw corrupt(`its sort key says seq ${skSeq}, its seq says ${seq}`);

  let text: string;
  if (dataRef === undefined) text = data ?? '';
  else {
    try {
      text = await readPayload(dataRef);
    } catch (error) {
      throw corrupt(`payload ${dataRef.key} could not be read`, error);
    }
    const sha256 = createHash('sha256').update(text).digest('hex');
    if (sha256 !== dataRef.sha256) throw corrupt(`payload ${dataRef.key} does not match its hash`);
  }
  let parsedData: unknown;
  try {
    parsedData = JSON.parse(text);
  } catch (error) {
    throw corrupt('data is not JSON', error);
  }
  return upcastStoredEvent(
    threadId,
    {
      id,
      seq,
      at,
      type,
      ...(key === undefined ? {} : { key }),
      schemaVersion: schemaVersion ?? UNVERSIONED,
      data: parsedData,
    },
    upcasters,
  );
};

const isEventType = (type: string): type is EventType => EVENT_TYPES.some((known) => known === type);
