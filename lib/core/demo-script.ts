/**
 * What the offline demo model does for one agent: read the rendered thread, name the next call.
 * An agent may bring its own script (`demo` in `defineAgent`), so `npm start` shows it working
 * with no model at all; the demo model says it is a demo in every text it writes.
 */
export type DemoScript = (blocks: readonly DemoBlock[]) => DemoCall;

/** One tag of the rendered thread (`<user>…</user>`, `<result>…</result>`, a tool's tag). */
export interface DemoBlock {
  tag: string;
  body: string;
}

export type DemoCall = [tool: string, args: Record<string, string | number>];

/** Every text the demo model writes starts with this, so nobody mistakes it for a real model. */
export const DEMO_LABEL = '[demo model]';

// A self-closing tag first, so that `<approval status="pending"/>` never opens a block.
const BLOCK = /<([a-z_-]+)(?:\s[^>]*)?\/>|<([a-z_-]+)(?:\s[^>]*)?>([\s\S]*?)<\/\2>/g;

export const parseBlocks = (context: string): DemoBlock[] =>
  [...context.matchAll(BLOCK)].map((match) => ({ tag: match[1] ?? match[2] ?? '', body: match[3] ?? '' }));

/** Ends the turn with a message marked as the demo model's. */
export const demoDone = (message: string): DemoCall => [
  'done_for_now',
  { message: `${DEMO_LABEL} ${message}` },
];

export const lastIndexOf = (blocks: readonly DemoBlock[], tag: string): number =>
  blocks.findLastIndex((block) => block.tag === tag);

/** The text inside a `<data untrusted>` fence. */
export const unfence = (body: string): string => body.replace(/<data untrusted>\n?|\n?<\/data>/g, '').trim();
