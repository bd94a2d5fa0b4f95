import {
  AccessDeniedException,
  BedrockRuntimeClient,
  BedrockRuntimeServiceException,
  type ContentBlock,
  ConverseCommand,
  type ConverseCommandOutput,
  ModelNotReadyException,
  ServiceUnavailableException,
  type StopReason,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { BedrockModel } from '../../lib/adapters/bedrock-model.ts';
import { ModelError } from '../../lib/adapters/model-error.ts';
import { expectedSchemas, request } from './model-fixtures.ts';

const MODEL_ID = 'anthropic.claude-3-5-haiku-20241022-v1:0';

const converseOutput = (
  content: ContentBlock[],
  stopReason: StopReason | undefined,
  usage: ConverseCommandOutput['usage'] = { inputTokens: 812, outputTokens: 41, totalTokens: 853 },
): ConverseCommandOutput => ({
  $metadata: { httpStatusCode: 200 },
  output: { message: { role: 'assistant', content } },
  stopReason,
  usage,
  metrics: { latencyMs: 420 },
});

const lookupAcme: ContentBlock = {
  toolUse: { toolUseId: 'tooluse_1', name: 'lookup_customer', input: { name: 'Acme' } },
};

const bedrock = mockClient(BedrockRuntimeClient);
const client = new BedrockRuntimeClient({ region: 'eu-west-1' });
const noWait = { sleep: async () => {}, random: () => 0.5 };

beforeEach(() => {
  bedrock.reset();
});
afterAll(() => {
  bedrock.restore();
});

describe('BedrockModel request', () => {
  it('sends the system prompt, the context as one user message, and the tools with toolChoice any', async () => {
    bedrock.on(ConverseCommand).resolves(converseOutput([lookupAcme], 'tool_use'));
    const model = new BedrockModel({ modelId: MODEL_ID, client, maxTokens: 1024, temperature: 0 });

    await model.next(request);

    expect(bedrock.commandCalls(ConverseCommand).map((call) => call.args[0].input)).toEqual([
      {
        modelId: MODEL_ID,
        system: [{ text: 'You are the billing agent.' }],
        messages: [
          { role: 'user', content: [{ text: '<user-message>\nBill Acme $120 for March\n</user-message>' }] },
        ],
        toolConfig: {
          tools: [
            {
              toolSpec: {
                name: 'lookup_customer',
                description: 'Find customers by name. Read-only.',
                inputSchema: { json: expectedSchemas.lookupCustomer },
              },
            },
            {
              toolSpec: {
                name: 'create_payment_link',
                description: 'Create a payment link a customer can pay.',
                inputSchema: { json: expectedSchemas.createPaymentLink },
              },
            },
          ],
          toolChoice: { any: {} },
        },
        inferenceConfig: { maxTokens: 1024, temperature: 0 },
      },
    ]);
  });

  it('caps the output at 2048 tokens and leaves the temperature to the model by default', async () => {
    bedrock.on(ConverseCommand).resolves(converseOutput([lookupAcme], 'tool_use'));

    await new BedrockModel({ modelId: MODEL_ID, client }).next(request);

    expect(bedrock.commandCalls(ConverseCommand)[0]?.args[0].input.inferenceConfig).toEqual({
      maxTokens: 2048,
    });
  });

  it('builds a default client that makes one attempt per call, so that only the adapter retries', async () => {
    bedrock.on(ConverseCommand).resolves(converseOutput([lookupAcme], 'tool_use'));

    await new BedrockModel({ modelId: MODEL_ID }).next(request);

    const used = bedrock.call(0).thisValue;
    expect(used).toBeInstanceOf(BedrockRuntimeClient);
    expect(used).not.toBe(client);
    expect(await used.config.maxAttempts()).toBe(1);
  });
});

describe('BedrockModel reply', () => {
  it('reads the first tool call with its arguments as JSON text, the text beside it, and the usage', async () => {
    bedrock.on(ConverseCommand).resolves(
      converseOutput(
        [
          { text: 'Looking Acme up first.' },
          lookupAcme,
          {
            toolUse: { toolUseId: 'tooluse_2', name: 'create_payment_link', input: { customerId: 'c-1' } },
          },
          { text: 'Then I bill them.' },
        ],
        'tool_use',
      ),
    );

    const reply = await new BedrockModel({ modelId: MODEL_ID, client }).next(request);

    expect(reply).toEqual({
      tool: 'lookup_customer',
      argsJson: '{"name":"Acme"}',
      text: 'Looking Acme up first.\nThen I bill them.',
      stopReason: 'tool_use',
      usage: { inputTokens: 812, outputTokens: 41 },
      model: MODEL_ID,
    });
  });

  it.each<[StopReason | undefined, string]>([
    ['tool_use', 'tool_use'],
    ['end_turn', 'end_turn'],
    ['max_tokens', 'max_tokens'],
    ['malformed_tool_use', 'malformed_tool_use'],
    ['malformed_model_output', 'malformed_tool_use'],
    ['guardrail_intervened', 'guardrail_intervened'],
    ['content_filtered', 'guardrail_intervened'],
    ['stop_sequence', 'other'],
    ['model_context_window_exceeded', 'other'],
    // Not a stop reason Bedrock has, but names every plain object inherits must map to other too.
    ['constructor' as StopReason, 'other'],
    [undefined, 'other'],
  ])('maps the stop reason %s to %s', async (stopReason, expected) => {
    bedrock.on(ConverseCommand).resolves(converseOutput([{ text: 'Done.' }], stopReason));

    const reply = await new BedrockModel({ modelId: MODEL_ID, client }).next(request);

    expect(reply.stopReason).toBe(expected);
  });

  it('reports a malformed tool use as no tool with stop reason malformed_tool_use', async () => {
    bedrock
      .on(ConverseCommand)
      .resolves(
        converseOutput([], 'malformed_tool_use', { inputTokens: 700, outputTokens: 0, totalTokens: 700 }),
      );

    const reply = await new BedrockModel({ modelId: MODEL_ID, client }).next(request);

    expect(reply).toEqual({
      stopReason: 'malformed_tool_use',
      usage: { inputTokens: 700, outputTokens: 0 },
      model: MODEL_ID,
    });
  });

  it('counts cache reads and writes, which Bedrock reports apart, as input, and names the reads', async () => {
    bedrock.on(ConverseCommand).resolves(
      converseOutput([lookupAcme], 'tool_use', {
        inputTokens: 12,
        outputTokens: 41,
        totalTokens: 2053,
        cacheReadInputTokens: 1800,
        cacheWriteInputTokens: 200,
      }),
    );

    const reply = await new BedrockModel({ modelId: MODEL_ID, client }).next(request);

    expect(reply.usage).toEqual({ inputTokens: 2012, outputTokens: 41, cachedInputTokens: 1800 });
  });

  it('counts missing usage as zero tokens', async () => {
    bedrock.on(ConverseCommand).resolves({
      $metadata: {},
      output: { message: { role: 'assistant', content: [lookupAcme] } },
      stopReason: 'tool_use',
    });

    const reply = await new BedrockModel({ modelId: MODEL_ID, client }).next(request);

    expect(reply.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
  });
});

const throttled = () =>
  new ThrottlingException({ message: 'Too many requests, please wait.', $metadata: { httpStatusCode: 429 } });

describe('BedrockModel failures', () => {
  it('retries throttling with jittered exponential backoff, then returns the reply', async () => {
    bedrock
      .on(ConverseCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(
        new ServiceUnavailableException({
          message: 'Service unavailable',
          $metadata: { httpStatusCode: 503 },
        }),
      )
      .rejectsOnce(
        new ModelNotReadyException({ message: 'Model is not ready', $metadata: { httpStatusCode: 429 } }),
      )
      .resolves(converseOutput([lookupAcme], 'tool_use'));
    const delays: number[] = [];
    const sleep = async (ms: number) => {
      delays.push(ms);
    };
    const model = new BedrockModel({
      modelId: MODEL_ID,
      client,
      retry: { baseDelayMs: 100, sleep, random: () => 0.5 },
    });

    const reply = await model.next(request);

    expect(reply.tool).toBe('lookup_customer');
    expect(delays).toEqual([50, 100, 200]);
    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(4);
  });

  it('retries an HTTP 503 it has no name for', async () => {
    const unnamed = new BedrockRuntimeServiceException({
      name: 'SomethingNewException',
      $fault: 'server',
      message: 'try later',
      $metadata: { httpStatusCode: 503 },
    });
    bedrock
      .on(ConverseCommand)
      .rejectsOnce(unnamed)
      .resolves(converseOutput([lookupAcme], 'tool_use'));

    const reply = await new BedrockModel({ modelId: MODEL_ID, client, retry: noWait }).next(request);

    expect(reply.tool).toBe('lookup_customer');
  });

  it('gives up after the configured attempts with a retryable ModelError that keeps the cause', async () => {
    const last = throttled();
    bedrock.on(ConverseCommand).rejects(last);
    const model = new BedrockModel({ modelId: MODEL_ID, client, retry: { attempts: 3, ...noWait } });

    const error = await model.next(request).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({
      name: 'ModelError',
      message: `Bedrock model ${MODEL_ID} still failing after 3 attempts: ThrottlingException: Too many requests, please wait.`,
      modelId: MODEL_ID,
      status: 429,
      attempts: 3,
      retryable: true,
      cause: last,
    });
    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(3);
  });

  it('does not retry a denied request and wraps it in a ModelError', async () => {
    bedrock.on(ConverseCommand).rejects(
      new AccessDeniedException({
        message: 'You do not have access to the model',
        $metadata: { httpStatusCode: 403 },
      }),
    );

    const error = await new BedrockModel({ modelId: MODEL_ID, client, retry: noWait })
      .next(request)
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({
      name: 'ModelError',
      message: `Bedrock model ${MODEL_ID} failed: AccessDeniedException: You do not have access to the model`,
      status: 403,
      attempts: 1,
      retryable: false,
    });
    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(1);
  });

  it('asks again with toolChoice auto when the model rejects toolChoice any, and keeps asking that way', async () => {
    const rejection = new ValidationException({
      message:
        "This model doesn't support the toolConfig.toolChoice.any field. Remove toolConfig.toolChoice.any and try again.",
      $metadata: { httpStatusCode: 400 },
    });
    bedrock
      .on(ConverseCommand)
      .rejectsOnce(rejection)
      .resolves(converseOutput([lookupAcme], 'tool_use'));
    const model = new BedrockModel({ modelId: 'amazon.nova-pro-v1:0', client, retry: noWait });

    await model.next(request);
    await model.next(request);

    const choices = bedrock
      .commandCalls(ConverseCommand)
      .map((call) => call.args[0].input.toolConfig?.toolChoice);
    expect(choices).toEqual([{ any: {} }, { auto: {} }, { auto: {} }]);
  });
});
