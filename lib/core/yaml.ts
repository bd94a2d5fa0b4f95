import type { JsonValue } from './json.ts';

// Keys that name secrets: `apiKey`, `client_secret`, `taskToken`, but not `maxTokens`.
const SECRET_KEY = /secret|passw(or)?d|api[-_]?key|authorization|credential|private[-_]?key|token$/i;
// A YAML plain scalar: no indicator first, and no `: ` or ` #` inside (so URLs stay unquoted).
const PLAIN = /^[^\s\-?:,[\]{}#&*!|>'"%@`<](?:(?!: | #)[^\n])*$/;

/**
 * Renders a JSON value as short YAML-like text for the model: fewer tokens than JSON, no
 * quoting noise. Keys that name secrets are redacted, whatever a tool returned.
 */
export const renderYaml = (value: JsonValue, indent = ''): string => {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return value
      .map((item) => {
        const body = renderYaml(item, `${indent}  `);
        // The first line of a nested block shares the dash: `- id: 1` rather than `-` then `id: 1`.
        return isBlock(item) ? `${indent}- ${body.slice(indent.length + 2)}` : `${indent}- ${body}`;
      })
      .join('\n');
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return entries
      .map(([key, item]) => {
        if (SECRET_KEY.test(key)) return `${indent}${key}: [redacted]`;
        if (isBlock(item)) return `${indent}${key}:\n${renderYaml(item, `${indent}  `)}`;
        return `${indent}${key}: ${renderYaml(item, `${indent}  `)}`;
      })
      .join('\n');
  }
  return renderScalar(value, indent);
};

const isBlock = (value: JsonValue): boolean =>
  value !== null && typeof value === 'object' && Object.keys(value).length > 0;

const renderScalar = (value: string | number | boolean | null, indent: string): string => {
  if (typeof value !== 'string') return String(value);
  if (value.includes('\n')) {
    return `|\n${value
      .split('\n')
      .map((line) => `${indent}${line}`)
      .join('\n')}`;
  }
  return PLAIN.test(value) && value.trim() === value && !looksTyped(value) ? value : JSON.stringify(value);
};

/** Strings YAML would read as another type are quoted, so `"750"` stays a string. */
const looksTyped = (value: string): boolean =>
  /^(true|false|null|~|yes|no|on|off)$/i.test(value) || /^[-+]?(\d[\d_]*)?\.?\d+([eE][-+]?\d+)?$/.test(value);
