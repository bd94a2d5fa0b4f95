import * as z from 'zod';
import type { JsonObject } from './json.ts';
import { JsonObjectSchema } from './json.ts';
import { describeIssues, type ToolContext, type ToolOutcome } from './tools.ts';

/**
 * MCP servers as tool sources. An agent names a server and the tools it takes from it; each
 * step lists the server's tools afresh, so the model sees their descriptions and JSON Schemas as
 * the server publishes them now. Only the tools named here are offered: a server cannot add a tool
 * to an agent, and each named tool has its own function on AWS, like a local tool.
 */

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** A server name: it names a construct and an environment variable too. */
export const SERVER_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** How the server is reached: Streamable HTTP at a URL, or a command spoken to over stdio. */
export const ToolServerTransportSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('http'),
    url: z.url({ protocol: /^https?$/ }),
    /** Headers sent with every request, e.g. `authorization`. */
    headers: z.record(z.string(), z.string()).optional(),
  }),
  z.object({
    kind: z.literal('stdio'),
    command: z.string().min(1),
    args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).optional(),
  }),
]);
export type ToolServerTransport = z.infer<typeof ToolServerTransportSchema>;

/** What the agent takes from one of the server's tools. */
export const ServerToolChoiceSchema = z.object({
  /** A person approves each call first, and the approval binds the tool as it was described. */
  needsApproval: z.boolean().default(false),
  /** It only reads: the rule of two never gates it. */
  readOnly: z.boolean().default(false),
  /**
   * Its results are another system's text, so by default they are outside content: fenced for
   * the model, and after one, every tool that is not read-only asks a person (the rule of two).
   */
  untrusted: z.boolean().default(true),
});

export const ToolServerSchema = z.object({
  name: z.string().regex(SERVER_NAME),
  transport: ToolServerTransportSchema,
  /** The server's tools this agent may call, by the server's name for them. */
  tools: z
    .record(z.string().regex(TOOL_NAME), ServerToolChoiceSchema)
    .refine((tools) => Object.keys(tools).length > 0, 'name at least one tool'),
});
export type ToolServer = z.infer<typeof ToolServerSchema>;
export type ToolServerDefinition = z.input<typeof ToolServerSchema>;

/** Declares an MCP server an agent takes tools from; the declaration is checked here. */
export const mcpServer = (definition: ToolServerDefinition): ToolServer => {
  const parsed = ToolServerSchema.safeParse(definition);
  if (!parsed.success) {
    throw new Error(`MCP server ${definition.name}: ${describeIssues(parsed.error)}`);
  }
  return parsed.data;
};

/** One tool as a server lists it. */
export const ListedToolSchema = z.object({
  name: z.string(),
  description: z.string().default(''),
  inputSchema: JsonObjectSchema,
});
export type ListedTool = z.infer<typeof ListedToolSchema>;

/**
 * Where server tools come from (an MCP client in `lib/adapters`). Listing or reaching a server
 * that is down throws: that is an infrastructure failure, retried by the caller. A call the tool
 * itself refuses or fails comes back as `ok: false`, a message for the model.
 */
export interface ToolServers {
  list(server: ToolServer): Promise<ListedTool[]>;
  /** The call id goes along (as `_meta` `threadline/call-id`), for a server that makes its side effects idempotent. */
  call(server: ToolServer, tool: string, args: JsonObject, context: ToolContext): Promise<ToolOutcome>;
}

/** The host a server is reached at, for the deployment's egress declaration; none for stdio. */
export const hostOf = (server: ToolServer): string | undefined =>
  server.transport.kind === 'http' ? new URL(server.transport.url).host : undefined;
