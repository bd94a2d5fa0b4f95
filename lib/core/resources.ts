import * as z from 'zod';

/**
 * What an agent's tools may keep state in, beyond their thread. An agent declares its resources
 * by name next to its tools; each tool names the ones it uses and how. The deployment creates each
 * resource once, and grants it only to the functions of the tools that use it.
 */

const KEY_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,254}$/;

/** A DynamoDB table (on-demand, PITR, deletion-protected): its string keys, as the tools read them. */
export const TableResourceSchema = z.object({
  kind: z.literal('table'),
  partitionKey: z.string().regex(KEY_NAME),
  sortKey: z.string().regex(KEY_NAME).optional(),
});
export type TableResource = z.infer<typeof TableResourceSchema>;

export const AgentResourceSchema = z.discriminatedUnion('kind', [TableResourceSchema]);
export type AgentResource = z.infer<typeof AgentResourceSchema>;

/** How a tool uses a resource: `read` may only read it; `readWrite` may change it too. */
export const ResourceAccessSchema = z.enum(['read', 'readWrite']);
export type ResourceAccess = z.infer<typeof ResourceAccessSchema>;

/** A resource name: letters and digits, starting with a letter, so it can name a construct and a variable. */
export const RESOURCE_NAME = /^[a-z][A-Za-z0-9]{0,47}$/;

/** Declares a table resource. */
export const table = (keys: Omit<TableResource, 'kind'>): TableResource => ({ kind: 'table', ...keys });

/**
 * The environment variable that carries a resource's physical name to the functions that use it,
 * e.g. `THREADLINE_TABLE_BILLING_LEDGER`: one rule the stack, the handlers and the local stack share.
 */
export const resourceVariable = (agent: string, resource: string, kind: AgentResource['kind']): string =>
  `THREADLINE_${kind.toUpperCase()}_${screaming(agent)}_${screaming(resource)}`;

const screaming = (name: string): string =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
