import { AIMessage, type BaseMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import {
  Command,
  END,
  interrupt,
  MemorySaver,
  MessagesAnnotation,
  START,
  StateGraph,
} from '@langchain/langgraph';
import { SCENARIO_MESSAGE, scenarioCalls, scenarioTools } from './scenario.ts';

export type LangGraphDurability = 'async' | 'exit';

/**
 * The scenario as a LangGraph.js StateGraph: an `agent` node playing the same script (it reads how
 * many AI messages the state holds, as a stateless model would), a `tools` node that calls
 * `interrupt` before the payment link, and MemorySaver checkpoints. Resumed with `Command`.
 */
export const langGraphScenario = (durability: LangGraphDurability): (() => Promise<void>) => {
  const calls = scenarioCalls();
  const tools = scenarioTools();
  const agentNode = async (state: { messages: BaseMessage[] }) => {
    const turn = state.messages.filter((message) => message instanceof AIMessage).length;
    const next = calls[turn];
    if (!next || next.tool === 'done_for_now') {
      return { messages: [new AIMessage({ content: next?.args.message ?? 'done' })] };
    }
    const id = `call_${turn}`;
    return {
      messages: [new AIMessage({ content: '', tool_calls: [{ id, name: next.tool, args: next.args }] })],
    };
  };
  const toolsNode = async (state: { messages: BaseMessage[] }) => {
    const last = state.messages.at(-1);
    const toolCall = last instanceof AIMessage ? last.tool_calls?.[0] : undefined;
    if (!toolCall?.id) throw new Error('tools node without a tool call');
    let result: unknown;
    if (toolCall.name === 'create_payment_link') {
      const decision = interrupt({ tool: toolCall.name, args: toolCall.args });
      result =
        decision === 'approve'
          ? await tools.createPaymentLink(
              toolCall.args as { customerId: string; amountUsd: number; description: string },
              toolCall.id,
            )
          : 'rejected';
    } else {
      result = await tools.lookupCustomer(toolCall.args as { name: string });
    }
    return { messages: [new ToolMessage({ content: JSON.stringify(result), tool_call_id: toolCall.id })] };
  };
  const graph = new StateGraph(MessagesAnnotation)
    .addNode('agent', agentNode)
    .addNode('tools', toolsNode)
    .addEdge(START, 'agent')
    .addConditionalEdges('agent', (state) => {
      const last = state.messages.at(-1);
      return last instanceof AIMessage && (last.tool_calls?.length ?? 0) > 0 ? 'tools' : END;
    })
    .addEdge('tools', 'agent')
    .compile({ checkpointer: new MemorySaver() });
  let runs = 0;
  return async () => {
    runs += 1;
    const config = { configurable: { thread_id: `th-${runs}` }, durability, recursionLimit: 100 };
    const paused = await graph.invoke({ messages: [new HumanMessage(SCENARIO_MESSAGE)] }, config);
    if (!('__interrupt__' in paused)) throw new Error('LangGraph scenario did not pause for approval');
    const finished = await graph.invoke(new Command({ resume: 'approve' }), config);
    if (finished.messages.length !== 20)
      throw new Error(`LangGraph scenario: ${finished.messages.length} messages`);
  };
};
