import * as z from 'zod';
import { JsonObjectSchema, type JsonValue } from '../core/json.ts';
import { oneLine, type ToolOutcome } from '../core/tools.ts';

/** The parts of an MCP `tools/call` result the thread keeps; everything else is dropped. */
const ContentSchema = z.union([
  z.object({ type: z.literal('text'), text: z.string() }),
  z.looseObject({ type: z.string(), mimeType: z.string().optional(), uri: z.string().optional() }),
]);

export const CallResultSchema = z.object({
  content: z.array(ContentSchema).default([]),
  structuredContent: JsonObjectSchema.optional(),
  isError: z.boolean().optional(),
});

/**
 * A server's answer as a tool outcome. `isError` is the tool saying it failed: one line for the
 * model. Structured content is kept as it is; otherwise text parts are joined, and images, audio
 * and embedded resources are named by type, never copied into the thread. An answer that is not a
 * call result at all is a tool error too: the server broke its side of the protocol.
 */
export const outcomeOfCallResult = (raw: unknown): ToolOutcome => {
  const parsed = CallResultSchema.safeParse(raw);
  if (!parsed.success)
    return { ok: false, message: 'the tool server sent an answer that is not a tool result' };
  const { content, structuredContent, isError } = parsed.data;
  const texts = content.flatMap((part) => textOf(part) ?? []);
  if (isError === true) return { ok: false, message: oneLine(texts.join(' ') || 'the tool failed') };
  if (structuredContent !== undefined) return { ok: true, result: structuredContent };
  if (texts.length === content.length) return { ok: true, result: texts.join('\n') };
  const parts: JsonValue[] = content.map((part) => textOf(part) ?? describePart(part));
  return { ok: true, result: parts };
};

const textOf = (part: z.infer<typeof ContentSchema>): string | undefined =>
  part.type === 'text' && typeof part.text === 'string' ? part.text : undefined;

const describePart = (part: { type: string; mimeType?: string; uri?: string }): string =>
  `[${part.type}${part.mimeType === undefined ? '' : ` ${part.mimeType}`}${part.uri === undefined ? '' : ` ${part.uri}`}]`;
