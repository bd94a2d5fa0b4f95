import * as z from 'zod';
import { JsonValueSchema } from '../core/json.ts';
import type { Model, ModelReply, ModelRequest } from '../core/ports.ts';
import { ModelReplySchema } from '../core/ports.ts';
import { usageOf } from '../core/pricing.ts';
import { describeIssues } from '../core/tools.ts';
import { ModelError } from './model-error.ts';
import {
  type AttemptResult,
  describeError,
  parseRetryAfter,
  type RetryOptions,
  resolveRetry,
  withRetry,
} from './model-retry.ts';

export interface OpenAICompatibleModelOptions {
  /** Up to and including the version, e.g. `http://localhost:11434/v1` or `https://api.openai.com/v1`. */
  baseUrl: string;
  /** The model name the server knows, e.g. `llama3.1` or `gpt-4o-mini`. Also the `Model.id`. */
  model: string;
  /** Sent as `Authorization: Bearer …`. Local servers need none. */
  apiKey?: string;
  fetch?: typeof fetch;
  /** Sent as `max_tokens` only when set: OpenAI's reasoning models reject that field. */
  maxTokens?: number;
  temperature?: number;
  /** A call with no answer by then fails without a retry. Default 5 minutes: local models can be slow. */
  timeoutMs?: number;
  retry?: RetryOptions;
}

/** The parts of a chat completion we read. Tolerant: servers differ in what they leave out. */
const FunctionCallSchema = z.object({
  name: z.string(),
  // A JSON string per the OpenAI spec; some servers send the object itself.
  arguments: JsonValueSchema.optional(),
});
const ChatCompletionSchema = z.object({
  choices: z
    .array(
      z.object({
        finish_reason: z.string().nullish(),
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z.array(z.object({ function: FunctionCallSchema })).nullish(),
          function_call: FunctionCallSchema.nullish(),
        }),
      }),
    )
    .min(1),
  usage: z
    .object({
      prompt_tokens: z.number().int().nonnegative().nullish(),
      completion_tokens: z.number().int().nonnegative().nullish(),
      /** OpenAI's automatic prompt cache: how many of `prompt_tokens` it read from the cache. */
      prompt_tokens_details: z.object({ cached_tokens: z.number().int().nonnegative().nullish() }).nullish(),
    })
    .nullish(),
});
type ChatCompletion = z.infer<typeof ChatCompletionSchema>;

const BODY_EXCERPT = 200;

/**
 * Any server that speaks OpenAI's chat completions: OpenAI, vLLM, LM Studio, Ollama. Asks for a
 * required tool call; Ollama accepts `tool_choice` but does not enforce it, so a text answer can
 * come back, and the core turns it into a tool-error the model reads on its next try.
 */
export class OpenAICompatibleModel implements Model {
  readonly id: string;
  readonly url: string;
  // ES private fields stay out of util.inspect and console.log: the key is never printed.
  readonly #headers: Record<string, string>;
  readonly #fetch: typeof fetch;
  readonly #options: OpenAICompatibleModelOptions;
  readonly #retry: ReturnType<typeof resolveRetry>;

  constructor(options: OpenAICompatibleModelOptions) {
    this.id = options.model;
    this.url = new URL(`${options.baseUrl.replace(/\/+$/, '')}/chat/completions`).href;
    this.#headers = {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
    };
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#options = options;
    this.#retry = resolveRetry(options.retry);
  }

  async next(request: ModelRequest): Promise<ModelReply> {
    const body = JSON.stringify(this.toBody(request));
    const outcome = await withRetry(() => this.call(body), this.#retry);
    if (!outcome.ok) {
      const where = `OpenAI-compatible model ${this.id} at ${this.url}`;
      const tries = outcome.transient ? ` (gave up after ${outcome.attempts} attempts)` : '';
      throw new ModelError(
        `${where}${tries}: ${outcome.error instanceof Error ? outcome.error.message : String(outcome.error)}`,
        {
          modelId: this.id,
          status: outcome.status,
          attempts: outcome.attempts,
          retryable: outcome.transient,
        },
        { cause: outcome.error },
      );
    }
    return this.toReply(outcome.value);
  }

  private toBody(request: ModelRequest) {
    const { maxTokens, temperature } = this.#options;
    return {
      model: this.id,
      messages: [
        { role: 'system', content: request.system },
        { role: 'user', content: request.context },
      ],
      tools: request.tools.map((tool) => ({
        type: 'function',
        function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
      })),
      tool_choice: 'required',
      stream: false,
      ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
      ...(temperature === undefined ? {} : { temperature }),
    };
  }

  private async call(body: string): Promise<AttemptResult<ChatCompletion>> {
    const timeoutMs = this.#options.timeoutMs ?? 300_000;
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const init = { method: 'POST', headers: this.#headers, body, signal: AbortSignal.timeout(timeoutMs) };
      const response = await this.#fetch(this.url, init);
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = await response.text();
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') {
        return {
          ok: false,
          error: new Error(`no answer within ${timeoutMs} ms`, { cause: error }),
          transient: false,
        };
      }
      // fetch rejects only when no HTTP answer came: refused, reset, DNS hiccup.
      return {
        ok: false,
        error: new Error(`could not reach the server: ${describeError(error)}`, { cause: error }),
        transient: true,
      };
    }
    if (status < 200 || status >= 300) {
      const transient = status === 429 || status >= 500;
      const retryAfterMs = parseRetryAfter(retryAfter);
      const error = new Error(`answered ${status}: ${excerpt(text)}`);
      return { ok: false, error, transient, status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    }
    return parseCompletion(status, text);
  }

  private toReply(completion: ChatCompletion): ModelReply {
    const choice = completion.choices[0]!;
    const call = choice.message.tool_calls?.[0]?.function ?? choice.message.function_call ?? undefined;
    const args = call?.arguments;
    const reply = ModelReplySchema.safeParse({
      ...(call ? { tool: call.name } : {}),
      ...(args === undefined ? {} : { argsJson: typeof args === 'string' ? args : JSON.stringify(args) }),
      ...(choice.message.content ? { text: choice.message.content } : {}),
      stopReason: mapFinishReason(choice.finish_reason, call !== undefined),
      usage: usageOf(
        completion.usage?.prompt_tokens ?? 0,
        completion.usage?.completion_tokens ?? 0,
        completion.usage?.prompt_tokens_details?.cached_tokens ?? 0,
      ),
      model: this.id,
    });
    if (!reply.success) {
      throw new ModelError(
        `OpenAI-compatible model ${this.id} sent a reply threadline cannot read: ${describeIssues(reply.error)}`,
        {
          modelId: this.id,
        },
      );
    }
    return reply.data;
  }
}

const parseCompletion = (status: number, text: string): AttemptResult<ChatCompletion> => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      ok: false,
      error: new Error(`answered ${status} with a body that is not JSON: ${excerpt(text)}`),
      transient: false,
      status,
    };
  }
  const parsed = ChatCompletionSchema.safeParse(json);
  if (!parsed.success) {
    const problem = describeIssues(parsed.error);
    const error = new Error(
      `answered ${status} with a body that is not a chat completion (${problem}): ${excerpt(text)}`,
    );
    return { ok: false, error, transient: false, status };
  }
  return { ok: true, value: parsed.data };
};

// A Map, not an object: a server's `constructor` or `__proto__` must not find what every object inherits.
const FINISH_REASONS: ReadonlyMap<string, ModelReply['stopReason']> = new Map([
  ['tool_calls', 'tool_use'],
  ['function_call', 'tool_use'],
  ['stop', 'end_turn'],
  ['length', 'max_tokens'],
  ['content_filter', 'guardrail_intervened'],
]);

const mapFinishReason = (
  reason: string | null | undefined,
  calledTool: boolean,
): ModelReply['stopReason'] => {
  const mapped = FINISH_REASONS.get(reason ?? '') ?? 'other';
  // Some servers (older Ollama, some vLLM tool parsers) say `stop` beside a tool call.
  return mapped === 'end_turn' && calledTool ? 'tool_use' : mapped;
};

const excerpt = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length === 0) return '(empty body)';
  return flat.length > BODY_EXCERPT ? `${flat.slice(0, BODY_EXCERPT)}…` : flat;
};
