import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The approval-link secret: made once per home folder and kept there (mode 0600). */
export const signingKeyIn = async (home: string): Promise<string> => {
  const path = join(home, 'approval-signing-key');
  try {
    const key = (await readFile(path, 'utf8')).trim();
    if (key.length >= 32) return key;
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
  }
  const key = randomBytes(32).toString('base64url');
  await writeFile(path, `${key}\n`, { mode: 0o600 });
  return key;
};
