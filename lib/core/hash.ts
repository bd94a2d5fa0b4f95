import { canonicalJson, type JsonValue } from './json.ts';
import { sha256Hex } from './sha256.ts';

/** SHA-256 of a value's canonical JSON: the same arguments always hash the same. */
export const hashArgs = (args: JsonValue): string => sha256Hex(canonicalJson(args));
