import type { Context } from 'aws-lambda';
import type { ThreadDeps } from '../lib/service/deps.ts';
import { runToolCall } from '../lib/service/run-tool-call.ts';
import { createBase, type Env, threadPieces } from './base.ts';
import { required } from './config.ts';
import { parsePayload } from './invalid-payload.ts';
import { lazyFields } from './lazy.ts';
import { ToolInputSchema } from './schemas.ts';
import { createTelemetry, inThread, type Telemetry } from './telemetry.ts';
import { mcpToolServers } from './tool-servers-piece.ts';

export interface ToolHandlerDeps {
  service: ThreadDeps;
  /** `TOOL_NAME`: the one tool this function may run; it holds only that tool's permissions. */
  toolName: () => string;
  telemetry: Telemetry;
}

/**
 * `Tool_<name>` / `GatedTool_<name>`: runs the thread's pending call. Input `{ threadId, callId }`,
 * output `{ seq }` (→ `$.tool`). A call for another tool is refused (`WrongTool`): the state
 * machine routes by tool name, so that is a bug, and this function lacks the other tool's rights.
 */
export const createHandler = (deps: ToolHandlerDeps) => async (event: unknown, context?: Context) => {
  const input = parsePayload('tool', ToolInputSchema, event);
  return inThread(deps.telemetry, { threadId: input.threadId, context }, async () => {
    const toolName = deps.toolName();
    deps.telemetry.logger.appendKeys({ tool: toolName, callId: input.callId });
    try {
      const result = await runToolCall(input.threadId, input.callId, deps.service, { onlyTool: toolName });
      deps.telemetry.logger.info('tool call recorded', { seq: result.seq, ran: result.ran });
      return { seq: result.seq };
    } finally {
      deps.telemetry.logger.removeKeys(['tool', 'callId']);
    }
  });
};

/** The tool function's deps: the threads and the agents, and no more (its tool's own clients come with the agent). */
export const depsFrom = (telemetry: Telemetry, env?: Env): ToolHandlerDeps => {
  const base = createBase(telemetry, env);
  return {
    service: lazyFields({ ...threadPieces(base), toolServers: mcpToolServers }),
    toolName: () => required(base.config(), 'TOOL_NAME'),
    telemetry,
  };
};

export const handler = createHandler(depsFrom(createTelemetry()));
