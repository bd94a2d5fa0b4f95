import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PayloadStore } from './payload-store.ts';
import { PayloadNotFoundError } from './store-errors.ts';

/** Keys stay inside the directory: plain path segments only, never `..`. */
const SAFE_KEY = /^(?:[A-Za-z0-9_~%=+-][A-Za-z0-9._~%=+-]*)(?:\/[A-Za-z0-9_~%=+-][A-Za-z0-9._~%=+-]*)*$/;

/** Large event data as files under one directory: the CLI's stand-in for the payload bucket. */
export class FilePayloadStore implements PayloadStore {
  constructor(private readonly directory: string) {}

  async put(key: string, body: string): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    // Write then rename, so a reader never sees half a body.
    const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, body, 'utf-8');
    await rename(temporary, path);
  }

  async get(key: string): Promise<string> {
    try {
      return await readFile(this.pathOf(key), 'utf-8');
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') {
        throw new PayloadNotFoundError(key, { cause: error });
      }
      throw error;
    }
  }

  private pathOf(key: string): string {
    if (!SAFE_KEY.test(key))
      throw new Error(`payload key ${JSON.stringify(key)} is not a safe relative path`);
    return join(this.directory, ...key.split('/'));
  }
}
