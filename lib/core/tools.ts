import * as z from 'zod';
import type { JsonObject, JsonValue } from './json.ts';
import { JsonObjectSchema } from './json.ts';
import type { ToolSpec } from './ports.ts';
import type { ResourceAccess } from './resources.ts';

/** What a tool's `execute` is told about the call it serves. */
export interface ToolContext {
  threadId: string;
  callId: string;
}

export interface ToolDefinition<Input extends z.ZodObject> {
  /** Letters, digits, `_` and `-`, at most 64: the rule every model provider shares. */
  name: string;
  description: string;
  input: Input;
  /** A side effect a person must approve before it runs. Reachable only through an approval. */
  needsApproval?: boolean;
  /**
   * Changes nothing and sends nothing out: only reads. Default false. A tool that is not read-only
   * needs approval once the thread has read outside content (the rule of two), and only a
   * read-only tool may be pre-fetched.
   */
  readOnly?: boolean;
  /**
   * Its results are outside content (fetched pages, documents, mail): they are fenced as data for
   * the model, and once one is in the thread the rule of two gates every tool that is not read-only.
   */
  untrusted?: boolean;
  /**
   * The agent's resources this tool uses, by name, and how (`read` or `readWrite`). Its Lambda
   * function is granted exactly these and nothing more; a tool that names none gets none.
   */
  uses?: Readonly<Record<string, ResourceAccess>>;
  execute: (args: z.output<Input>, context: ToolContext) => Promise<JsonValue> | JsonValue;
}

export type ToolOutcome = { ok: true; result: JsonValue } | { ok: false; message: string };

/** A tool with its types erased, so that an agent can hold a list of different tools. */
export interface Tool {
  readonly name: string;
  readonly description: string;
  readonly needsApproval: boolean;
  readonly readOnly: boolean;
  readonly untrusted: boolean;
  readonly uses: Readonly<Record<string, ResourceAccess>>;
  readonly spec: ToolSpec;
  /** The MCP server this tool comes from (`toolServers`); absent for the agent's own tools. */
  readonly server?: string;
  /**
   * For a server's tool, the hash of its server, name, description and schema as listed now. An
   * approval records it, and the call runs only while the tool is still the one that was approved.
   */
  readonly fingerprint?: string;
  /** Checks the arguments against the tool's schema; the message is written for the model. */
  validate(args: unknown): { ok: true; args: JsonObject } | { ok: false; message: string };
  /** Validates, then executes. A thrown error becomes a one-line message, never a stack trace. */
  run(args: unknown, context: ToolContext): Promise<ToolOutcome>;
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Declares a tool (factor 4). The model sees its name, description and the JSON Schema that
 * zod derives from `input`, compacted by `compactSchema`; deterministic code validates and
 * executes the call.
 */
export const defineTool = <Input extends z.ZodObject>(definition: ToolDefinition<Input>): Tool => {
  if (!TOOL_NAME.test(definition.name)) {
    throw new Error(`tool name "${definition.name}" must match ${TOOL_NAME.source}`);
  }
  const spec: ToolSpec = {
    name: definition.name,
    description: definition.description,
    inputSchema: toModelSchema(definition.input),
  };
  const validate: Tool['validate'] = (args) => {
    const parsed = definition.input.safeParse(args);
    if (!parsed.success) return { ok: false, message: `invalid arguments: ${describeIssues(parsed.error)}` };
    const json = JsonObjectSchema.safeParse(parsed.data);
    if (!json.success) return { ok: false, message: 'invalid arguments: not a JSON object' };
    return { ok: true, args: json.data };
  };
  return {
    name: definition.name,
    description: definition.description,
    needsApproval: definition.needsApproval ?? false,
    readOnly: definition.readOnly ?? false,
    untrusted: definition.untrusted ?? false,
    uses: definition.uses ?? {},
    spec,
    validate,
    run: async (args, context) => {
      const parsed = definition.input.safeParse(args);
      if (!parsed.success)
        return { ok: false, message: `invalid arguments: ${describeIssues(parsed.error)}` };
      try {
        return { ok: true, result: await definition.execute(parsed.data, context) };
      } catch (error) {
        return { ok: false, message: oneLine(error instanceof Error ? error.message : String(error)) };
      }
    },
  };
};

/** zod's JSON Schema without the parts a model does not need: fewer tokens, same meaning. */
export const toModelSchema = (schema: z.ZodType): JsonObject => {
  const json = JsonObjectSchema.parse(z.toJSONSchema(schema, { unrepresentable: 'any' }));
  const { $schema: _dialect, ...rest } = json;
  return stripDefaults(rest);
};

const stripDefaults = (schema: JsonObject): JsonObject => {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'maximum' && value === Number.MAX_SAFE_INTEGER) continue;
    if (key === 'minimum' && value === Number.MIN_SAFE_INTEGER) continue;
    if (key === 'pattern' && typeof schema.format === 'string') continue;
    result[key] = isObject(value)
      ? stripDefaults(value)
      : Array.isArray(value)
        ? value.map(stripNested)
        : value;
  }
  return result;
};

const stripNested = (value: JsonValue): JsonValue => (isObject(value) ? stripDefaults(value) : value);

const isObject = (value: JsonValue | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** zod issues as one line: `amount: expected number, received string; name: required`. */
export const describeIssues = (error: z.ZodError): string =>
  error.issues
    .slice(0, 4)
    .map((issue) => {
      const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      return `${where}${issue.message.replace(/^Invalid input: /, '')}`;
    })
    .join('; ');

/** An error as the model should read it: one line, no stack, at most 300 characters. */
export const oneLine = (message: string): string => {
  const line = message.split('\n').find((part) => part.trim().length > 0) ?? 'failed';
  const trimmed = line.trim();
  return trimmed.length > 300 ? `${trimmed.slice(0, 297)}...` : trimmed;
};

// The intents' wording lives in their tool descriptions (`request.ts`): one sentence each.
export const HumanInputArgs = z.object({ question: z.string().min(1) });
export const ChildTaskArgs = z.object({
  task: z.string().min(1).describe('The sub-task, complete enough for an agent that has seen nothing else.'),
});
export const DoneArgs = z.object({ message: z.string().min(1) });
