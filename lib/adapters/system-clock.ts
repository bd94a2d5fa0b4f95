import { randomUUID } from 'node:crypto';
import type { Clock, Ids } from '../core/ports.ts';

export const systemClock: Clock = { now: () => new Date().toISOString() };

/** Random ids: unguessable, which approval ids must be. */
export const randomIds: Ids = { next: (prefix) => `${prefix}_${randomUUID().replaceAll('-', '')}` };
