import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ExportedThread, ExportedThreadSchema } from '../core/exported-thread.ts';
import { describeIssues } from '../core/tools.ts';

/** A file that is not an exported thread: not JSON, or not the shape `threadline export` writes. */
export class ExportedThreadFileError extends Error {
  override readonly name = 'ExportedThreadFileError';
  constructor(
    readonly file: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`${file} is not an exported thread: ${detail}`, options);
  }
}

/** Parses one exported thread's text; `file` names it in the error. */
export const parseExportedThread = (text: string, file: string): ExportedThread => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ExportedThreadFileError(file, 'not JSON', { cause: error });
  }
  const parsed = ExportedThreadSchema.safeParse(json);
  if (!parsed.success) throw new ExportedThreadFileError(file, describeIssues(parsed.error));
  return parsed.data;
};

export const readExportedThread = async (file: string): Promise<ExportedThread> =>
  parseExportedThread(await readFile(file, 'utf8'), file);

/** The `.json` files of a folder, by name: one exported thread each. */
export const listExportedThreadFiles = async (folder: string): Promise<string[]> => {
  const entries = await readdir(folder, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => join(folder, entry.name))
    .sort();
};

/** Writes `<folder>/<thread id>.json`, pretty-printed so that a diff of two exports reads well. */
export const writeExportedThread = async (folder: string, exported: ExportedThread): Promise<string> => {
  await mkdir(folder, { recursive: true });
  const file = join(folder, `${exported.thread.id}.json`);
  await writeFile(file, `${JSON.stringify(exported, null, 2)}\n`);
  return file;
};
