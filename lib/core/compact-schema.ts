import type { JsonObject, JsonValue } from './json.ts';
import type { ToolSpec } from './ports.ts';

/**
 * A tool's JSON Schema as the model is sent it: the keywords that cost tokens on every call and
 * tell the model nothing it needs are left out. Validation is unchanged, because the tool's zod
 * schema checks every reply whatever the model was shown:
 * - `additionalProperties: false`: a `z.object` strips keys it does not know, so an extra key is
 *   harmless (and a `z.strictObject` answers it with a tool-error the model reads);
 * - `minLength: 1`: an empty string is refused by the schema with a message the model can act on.
 * Every other keyword (types, `required`, bounds, enums, descriptions) stays as zod derives it.
 */
export const compactSchema = (schema: JsonObject): JsonObject => {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'additionalProperties' && value === false) continue;
    if (key === 'minLength' && value === 1) continue;
    result[key] = compactValue(value);
  }
  return result;
};

const compactValue = (value: JsonValue): JsonValue => {
  if (Array.isArray(value)) return value.map(compactValue);
  if (value !== null && typeof value === 'object') return compactSchema(value);
  return value;
};

/** The same tool with its schema compacted. */
export const compactSpec = (spec: ToolSpec): ToolSpec => ({
  ...spec,
  inputSchema: compactSchema(spec.inputSchema),
});
