import type { Context } from 'aws-lambda';
import type { ServiceDeps } from '../lib/service/deps.ts';
import { runToolCall } from '../lib/service/run-tool-call.ts';
import { awsDeps } from './aws-deps.ts';
import { parsePayload } from './invalid-payload.ts';
import { ToolInputSchema } from './schemas.ts';
import { inThread, type Telemetry } from './telemetry.ts';

export interface ToolHandlerDeps {
  service: ServiceDeps;
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

export const handler = createHandler(awsDeps());
