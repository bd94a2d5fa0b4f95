import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalJson, type JsonValue } from './json.ts';

/**
 * SHA-256 of a value's canonical JSON: the same arguments always hash the same. @noble/hashes is
 * pure computation (no I/O, no globals), so lib/core may use it where node:crypto is I/O-adjacent.
 */
export const hashArgs = (args: JsonValue): string => bytesToHex(sha256(utf8ToBytes(canonicalJson(args))));
