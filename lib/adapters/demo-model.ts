import type { Agent } from '../core/agent.ts';
import { estimateTokens } from '../core/context.ts';
import {
  type DemoBlock,
  type DemoCall,
  demoDone,
  lastIndexOf,
  parseBlocks,
  unfence,
} from '../core/demo-script.ts';
import type { Model, ModelReply, ModelRequest } from '../core/ports.ts';
import { toolSpecsOf } from '../core/request.ts';

export { DEMO_LABEL } from '../core/demo-script.ts';

export const DEMO_MODEL_ID = 'demo';

/**
 * A deterministic stand-in for a language model, so the agents run offline. It reads the same
 * rendered context a real model would, finds the agent the request is for by its tools, and
 * follows that agent's own `demo` script. An agent with no script that hands work to children
 * hands the request over whole and reports the answer; any other says it cannot help.
 */
export class DemoModel implements Model {
  readonly id = DEMO_MODEL_ID;

  constructor(private readonly agents: ReadonlyMap<string, Agent>) {}

  async next(request: ModelRequest): Promise<ModelReply> {
    const blocks = parseBlocks(request.context);
    const [tool, args] = this.scriptFor(request)(blocks);
    const argsJson = JSON.stringify(args);
    return {
      tool,
      argsJson,
      stopReason: 'tool_use',
      usage: {
        inputTokens: estimateTokens(request.system + request.context + JSON.stringify(request.tools)),
        outputTokens: estimateTokens(tool + argsJson),
      },
      model: DEMO_MODEL_ID,
    };
  }

  private scriptFor(request: ModelRequest): (blocks: readonly DemoBlock[]) => DemoCall {
    const offered = request.tools.map((tool) => tool.name).join(',');
    const agent = [...this.agents.values()].find(
      (candidate) =>
        toolSpecsOf(candidate)
          .map((tool) => tool.name)
          .join(',') === offered,
    );
    if (agent?.demo) return agent.demo;
    const child = agent?.children?.[0];
    if (child) return (blocks) => handOver(blocks, child.tool, child.agent);
    return () =>
      demoDone(
        `The offline demo model has no script for ${agent ? `the ${agent.name} agent` : 'this agent'}. Set THREADLINE_MODEL to use a real model.`,
      );
  }
}

/** An agent that delegates: hand the request over whole, then report what came back. */
const handOver = (blocks: readonly DemoBlock[], tool: string, agent: string): DemoCall => {
  const request = unfence(blocks.find((block) => block.tag === 'user')?.body ?? '');
  const handed = lastIndexOf(blocks, tool);
  if (handed < 0) return [tool, { task: request }];
  const result = blocks.slice(handed + 1).find((block) => block.tag === 'result');
  return demoDone(`Handed to the ${agent} agent, which answered: ${result?.body ?? '(nothing)'}`);
};
