import * as z from 'zod';

/** A value that survives `JSON.stringify` and `JSON.parse` unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JsonValueSchema),
    z.record(z.string(), JsonValueSchema),
  ]),
);

export const JsonObjectSchema = z.record(z.string(), JsonValueSchema);
export type JsonObject = z.infer<typeof JsonObjectSchema>;

/** JSON with object keys sorted, so equal values always give equal text. */
export const canonicalJson = (value: JsonValue): string => JSON.stringify(sortKeys(value));

const sortKeys = (value: JsonValue): JsonValue => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys(value[key] as JsonValue);
  return sorted;
};

/** Parses JSON text without throwing. */
export const parseJson = (text: string): { ok: true; value: JsonValue } | { ok: false; error: string } => {
  try {
    const parsed: unknown = JSON.parse(text);
    const result = JsonValueSchema.safeParse(parsed);
    return result.success ? { ok: true, value: result.data } : { ok: false, error: 'not a JSON value' };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
};
