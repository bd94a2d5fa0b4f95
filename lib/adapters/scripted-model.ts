import type { Model, ModelReply, ModelRequest } from '../core/ports.ts';

/** One scripted answer: a tool call, or any part of a reply, or a function of the request. */
export type ScriptedTurn =
  | { tool: string; args: unknown }
  | Partial<ModelReply>
  | ((request: ModelRequest) => Partial<ModelReply>);

export class ScriptExhaustedError extends Error {
  override readonly name = 'ScriptExhaustedError';
  constructor(readonly turns: number) {
    super(`ScriptedModel: the script has ${turns} turns and the model was asked for turn ${turns + 1}`);
  }
}

/**
 * A model that plays a script, for tests and the bench. It records every request and fails
 * loudly when the script runs out, so a test never passes on answers nobody wrote.
 */
export class ScriptedModel implements Model {
  readonly id: string;
  readonly requests: ModelRequest[] = [];
  private readonly turns: ScriptedTurn[];

  constructor(turns: readonly ScriptedTurn[], options: { id?: string } = {}) {
    this.turns = [...turns];
    this.id = options.id ?? 'scripted';
  }

  get remaining(): number {
    return this.turns.length - this.requests.length;
  }

  async next(request: ModelRequest): Promise<ModelReply> {
    const turn = this.turns[this.requests.length];
    this.requests.push(request);
    if (turn === undefined) throw new ScriptExhaustedError(this.turns.length);
    const partial = typeof turn === 'function' ? turn(request) : turn;
    const reply: ModelReply = {
      stopReason: 'tool_use',
      usage: { inputTokens: 100, outputTokens: 20 },
      model: this.id,
      ...('args' in partial ? { tool: partial.tool, argsJson: JSON.stringify(partial.args) } : partial),
    };
    return reply;
  }
}

/** A scripted tool call. */
export const call = (tool: string, args: unknown): ScriptedTurn => ({ tool, args });
