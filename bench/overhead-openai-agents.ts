import {
  Agent,
  type Model,
  type ModelRequest,
  type ModelResponse,
  Runner,
  RunState,
  setTracingDisabled,
  tool,
  Usage,
} from '@openai/agents';
import * as z from 'zod';
import { SCENARIO_MESSAGE, scenarioCalls, scenarioTools } from './scenario.ts';

/**
 * A Model that plays the scenario's script: it counts the function calls already in the input, as a
 * stateless model reading the conversation would, and answers at once.
 */
class ScriptedAgentsModel implements Model {
  private readonly calls = scenarioCalls();

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    const input = Array.isArray(request.input) ? request.input : [];
    const turn = input.filter((item) => 'type' in item && item.type === 'function_call').length;
    const next = this.calls[turn];
    const usage = new Usage({ requests: 1, inputTokens: 100, outputTokens: 20, totalTokens: 120 });
    if (!next || next.tool === 'done_for_now') {
      const text = next?.args.message ?? 'done';
      return {
        usage,
        output: [
          {
            type: 'message',
            role: 'assistant',
            status: 'completed',
            content: [{ type: 'output_text', text }],
          },
        ],
      };
    }
    return {
      usage,
      output: [
        {
          type: 'function_call',
          callId: `call_${turn}`,
          name: next.tool,
          arguments: JSON.stringify(next.args),
          status: 'completed',
        },
      ],
    };
  }

  // biome-ignore lint/correctness/useYield: the scenario never streams.
  async *getStreamedResponse(): AsyncIterable<never> {
    throw new Error('the bench model does not stream');
  }
}

/**
 * The scenario in the OpenAI Agents SDK: the payment-link tool `needsApproval`, the run stops with
 * an interruption, its RunState is serialized to a string (what a service would store), restored,
 * approved and run on. Tracing is off: it would export spans to OpenAI.
 */
export const openAiAgentsScenario = (): (() => Promise<void>) => {
  setTracingDisabled(true);
  const tools = scenarioTools();
  const agent = new Agent({
    name: 'billing',
    instructions: 'You are the billing agent.',
    model: new ScriptedAgentsModel(),
    tools: [
      tool({
        name: 'lookup_customer',
        description: 'Find customers by name. Read-only.',
        parameters: z.object({ name: z.string().min(1) }),
        execute: async (args) => JSON.stringify(await tools.lookupCustomer(args)),
      }),
      tool({
        name: 'create_payment_link',
        description: 'Create a payment link a customer can pay. Moves money: a person approves it first.',
        parameters: z.object({
          customerId: z.string().min(1),
          amountUsd: z.number().positive(),
          description: z.string().min(1),
        }),
        needsApproval: true,
        execute: async (args, _context, details) =>
          JSON.stringify(await tools.createPaymentLink(args, details?.toolCall?.callId ?? 'call')),
      }),
    ],
  });
  const runner = new Runner({ tracingDisabled: true });
  return async () => {
    const paused = await runner.run(agent, SCENARIO_MESSAGE, { maxTurns: 20 });
    const [approval] = paused.interruptions;
    if (!approval) throw new Error('OpenAI Agents scenario did not pause for approval');
    const restored = await RunState.fromString(agent, paused.state.toString());
    const [pending] = restored.getInterruptions();
    if (!pending) throw new Error('the restored RunState lost its interruption');
    restored.approve(pending);
    const finished = await runner.run(agent, restored, { maxTurns: 20 });
    if (finished.finalOutput !== 'Created the payment link for Terri Jackson.')
      throw new Error(`OpenAI Agents scenario ended with ${String(finished.finalOutput)}`);
  };
};
