import { PayloadNotFoundError } from './store-errors.ts';

/**
 * Where event data too large for a table item goes: S3 on AWS, a directory or memory locally.
 * Keys are chosen by the caller and are content-addressed, so a body under a key never changes.
 */
export interface PayloadStore {
  put(key: string, body: string): Promise<void>;
  /** The body stored under `key`; throws `PayloadNotFoundError` when there is none. */
  get(key: string): Promise<string>;
}

export class InMemoryPayloadStore implements PayloadStore {
  private readonly bodies = new Map<string, string>();

  async put(key: string, body: string): Promise<void> {
    this.bodies.set(key, body);
  }

  async get(key: string): Promise<string> {
    const body = this.bodies.get(key);
    if (body === undefined) throw new PayloadNotFoundError(key);
    return body;
  }

  /** How many bodies are held: lets tests see that data went here. */
  get size(): number {
    return this.bodies.size;
  }
}
