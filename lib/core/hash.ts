import { createHash } from 'node:crypto';
import { canonicalJson, type JsonValue } from './json.ts';

/** SHA-256 of a value's canonical JSON: the same arguments always hash the same. */
export const hashArgs = (args: JsonValue): string =>
  createHash('sha256').update(canonicalJson(args)).digest('hex');
