import {
  BedrockRuntimeClient,
  BedrockRuntimeServiceException,
  ConverseCommand,
  type ConverseCommandInput,
  type ConverseCommandOutput,
} from '@aws-sdk/client-bedrock-runtime';
import type { Model, ModelReply, ModelRequest } from '../core/ports.ts';
import { ModelReplySchema } from '../core/ports.ts';
import { usageOf } from '../core/pricing.ts';
import { describeIssues } from '../core/tools.ts';
import { ModelError } from './model-error.ts';
import {
  type AttemptResult,
  describeError,
  networkErrorCode,
  type RetryOptions,
  type RetryOutcome,
  resolveRetry,
  withRetry,
} from './model-retry.ts';

export interface BedrockModelOptions {
  /** A model or inference profile id, e.g. `anthropic.claude-3-5-haiku-20241022-v1:0`. */
  modelId: string;
  /** Defaults to one client per process, built on first use. */
  client?: BedrockRuntimeClient;
  /** Default 2048: one step is one tool call, and the cap bounds what a runaway reply costs. */
  maxTokens?: number;
  temperature?: number;
  retry?: RetryOptions;
}

/**
 * The SDK retries throttling itself (3 attempts by default). Ours would multiply with it, up to
 * 15 calls per step, and the ModelError would under-report attempts: the default client makes
 * one attempt per call and the adapter's backoff is the only one. A client passed in keeps its
 * own setting.
 */
let sharedClient: BedrockRuntimeClient | undefined;
const defaultClient = (): BedrockRuntimeClient => {
  sharedClient ??= new BedrockRuntimeClient({ maxAttempts: 1 });
  return sharedClient;
};

/** The Bedrock Converse API as a `Model`: one user message, the tools, and a forced tool call. */
export class BedrockModel implements Model {
  readonly id: string;
  private readonly client: BedrockRuntimeClient;
  private readonly maxTokens: number;
  private readonly temperature: number | undefined;
  private readonly retry: ReturnType<typeof resolveRetry>;
  /** `any` forces a tool call; models that reject it (Nova, Llama, …) are asked with `auto`. */
  private toolChoice: 'any' | 'auto' = 'any';

  constructor(options: BedrockModelOptions) {
    this.id = options.modelId;
    this.client = options.client ?? defaultClient();
    this.maxTokens = options.maxTokens ?? 2048;
    this.temperature = options.temperature;
    this.retry = resolveRetry(options.retry);
  }

  async next(request: ModelRequest): Promise<ModelReply> {
    let outcome = await this.converseWithRetry(request);
    if (!outcome.ok && this.toolChoice === 'any' && rejectsToolChoiceAny(outcome.error)) {
      // AWS documents toolChoice for Claude and Mistral Large; Nova and Llama have answered `any`
      // with a ValidationException. Under auto a text answer can come back, which the core turns
      // into a tool-error for the model to read.
      this.toolChoice = 'auto';
      outcome = await this.converseWithRetry(request);
    }
    if (!outcome.ok) throw this.failure(outcome);
    return this.toReply(outcome.value);
  }

  private converseWithRetry(request: ModelRequest): Promise<RetryOutcome<ConverseCommandOutput>> {
    const input = this.toInput(request);
    return withRetry(async (): Promise<AttemptResult<ConverseCommandOutput>> => {
      try {
        return { ok: true, value: await this.client.send(new ConverseCommand(input)) };
      } catch (error) {
        return { ok: false, error, transient: isTransient(error), ...statusOf(error) };
      }
    }, this.retry);
  }

  private toInput(request: ModelRequest): ConverseCommandInput {
    return {
      modelId: this.id,
      system: [{ text: request.system }],
      messages: [{ role: 'user', content: [{ text: request.context }] }],
      toolConfig: {
        tools: request.tools.map((tool) => ({
          toolSpec: {
            name: tool.name,
            description: tool.description,
            inputSchema: { json: tool.inputSchema },
          },
        })),
        toolChoice: this.toolChoice === 'any' ? { any: {} } : { auto: {} },
      },
      inferenceConfig: {
        maxTokens: this.maxTokens,
        ...(this.temperature === undefined ? {} : { temperature: this.temperature }),
      },
    };
  }

  private toReply(output: ConverseCommandOutput): ModelReply {
    const content = output.output?.message?.content ?? [];
    const toolUse = content.find((block) => block.toolUse !== undefined)?.toolUse;
    const texts = content.flatMap((block) => (block.text === undefined ? [] : [block.text]));
    const reply = ModelReplySchema.safeParse({
      // Absent keys rather than undefined ones: replies are compared and stored as they are.
      ...(toolUse?.name === undefined ? {} : { tool: toolUse.name }),
      ...(toolUse?.input === undefined ? {} : { argsJson: JSON.stringify(toolUse.input) }),
      ...(texts.length > 0 ? { text: texts.join('\n') } : {}),
      stopReason: mapStopReason(output.stopReason),
      // Bedrock counts cache reads and writes apart from `inputTokens`; threadline's input is all of them.
      usage: usageOf(
        (output.usage?.inputTokens ?? 0) +
          (output.usage?.cacheReadInputTokens ?? 0) +
          (output.usage?.cacheWriteInputTokens ?? 0),
        output.usage?.outputTokens ?? 0,
        output.usage?.cacheReadInputTokens ?? 0,
      ),
      model: this.id,
    });
    if (!reply.success) {
      throw new ModelError(
        `Bedrock model ${this.id} sent a reply threadline cannot read: ${describeIssues(reply.error)}`,
        {
          modelId: this.id,
        },
      );
    }
    return reply.data;
  }

  private failure(outcome: Extract<RetryOutcome<unknown>, { ok: false }>): ModelError {
    const facts = {
      modelId: this.id,
      status: outcome.status,
      attempts: outcome.attempts,
      retryable: outcome.transient,
    };
    const cause = describeError(outcome.error);
    const message = outcome.transient
      ? `Bedrock model ${this.id} still failing after ${outcome.attempts} attempts: ${cause}`
      : `Bedrock model ${this.id} failed: ${cause}`;
    return new ModelError(message, facts, { cause: outcome.error });
  }
}

// A Map, not an object: a stop reason named `constructor` must not find what every object inherits.
const STOP_REASONS: ReadonlyMap<string, ModelReply['stopReason']> = new Map([
  ['tool_use', 'tool_use'],
  ['end_turn', 'end_turn'],
  ['max_tokens', 'max_tokens'],
  ['malformed_tool_use', 'malformed_tool_use'],
  ['malformed_model_output', 'malformed_tool_use'],
  ['guardrail_intervened', 'guardrail_intervened'],
  // The model provider's own filter blocked the reply: a person should look, as for a guardrail.
  ['content_filtered', 'guardrail_intervened'],
]);

const mapStopReason = (stopReason: string | undefined): ModelReply['stopReason'] =>
  STOP_REASONS.get(stopReason ?? '') ?? 'other';

const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'ServiceUnavailableException',
  'ModelNotReadyException',
  // The SDK would have retried these too, had its own retries not been turned off.
  'InternalServerException',
]);
const TRANSIENT_STATUSES = new Set([429, 500, 502, 503, 504]);

const isTransient = (error: unknown): boolean => {
  if (error instanceof BedrockRuntimeServiceException) {
    const status = error.$metadata.httpStatusCode;
    return TRANSIENT_NAMES.has(error.name) || (status !== undefined && TRANSIENT_STATUSES.has(status));
  }
  return networkErrorCode(error) !== undefined;
};

const statusOf = (error: unknown): { status?: number } => {
  const status = error instanceof BedrockRuntimeServiceException ? error.$metadata.httpStatusCode : undefined;
  return status === undefined ? {} : { status };
};

/** "This model doesn't support the toolConfig.toolChoice.any field. Remove … and try again." */
const rejectsToolChoiceAny = (error: unknown): boolean =>
  error instanceof BedrockRuntimeServiceException &&
  error.name === 'ValidationException' &&
  error.message.includes('toolChoice.any');
