import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ModelError } from '../../lib/adapters/model-error.ts';
import { OpenAICompatibleModel, type OpenAICompatibleModelOptions } from '../../lib/adapters/openai-model.ts';
import { request } from './model-fixtures.ts';
import {
  chatCompletion,
  type ScriptedChatServer,
  startScriptedChatServer,
  toolCall,
} from './scripted-chat-server.ts';

let server: ScriptedChatServer;
beforeAll(async () => {
  server = await startScriptedChatServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
});

const API_KEY = 'sk-test-0123456789abcdef';
const success = {
  body: chatCompletion({ content: null, tool_calls: [toolCall('lookup_customer', '{"name":"Acme"}')] }),
};

/** A model whose waits are recorded, not waited. */
const modelWith = (options: Partial<OpenAICompatibleModelOptions> = {}) => {
  const delays: number[] = [];
  const sleep = async (ms: number) => {
    delays.push(ms);
  };
  const model = new OpenAICompatibleModel({
    baseUrl: server.baseUrl,
    model: 'gpt-4o-mini',
    apiKey: API_KEY,
    ...options,
    retry: { baseDelayMs: 100, maxDelayMs: 5_000, sleep, random: () => 0.5, ...options.retry },
  });
  return { model, delays };
};

const failureOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );

describe('OpenAICompatibleModel retries', () => {
  it('waits the Retry-After seconds after a 429, then returns the reply', async () => {
    const rateLimited = { error: { message: 'Rate limit reached for gpt-4o-mini', type: 'requests' } };
    server.respond({ status: 429, headers: { 'retry-after': '2' }, body: rateLimited }, success);
    const { model, delays } = modelWith();

    const reply = await model.next(request);

    expect(reply.tool).toBe('lookup_customer');
    expect(delays).toEqual([2_000]);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.body).toBe(server.requests[0]?.body);
  });

  it('caps a long Retry-After at the longest wait', async () => {
    server.respond({ status: 429, headers: { 'retry-after': '3600' }, body: {} }, success);
    const { model, delays } = modelWith();

    await model.next(request);

    expect(delays).toEqual([5_000]);
  });

  it('backs off with jitter on 5xx answers and gives up after the attempts with a retryable ModelError', async () => {
    const overloaded = { status: 503, body: 'upstream overloaded' };
    server.respond(overloaded, overloaded, overloaded);
    const { model, delays } = modelWith({ retry: { attempts: 3 } });

    const error = await failureOf(model.next(request));

    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({
      name: 'ModelError',
      message: `OpenAI-compatible model gpt-4o-mini at ${server.baseUrl}/chat/completions (gave up after 3 attempts): answered 503: upstream overloaded`,
      modelId: 'gpt-4o-mini',
      status: 503,
      attempts: 3,
      retryable: true,
    });
    expect(delays).toEqual([50, 100]);
  });

  it('retries when the server cannot be reached, and names the connection error', async () => {
    const closed = await startScriptedChatServer();
    await closed.close();
    const { model } = modelWith({ baseUrl: closed.baseUrl, retry: { attempts: 2 } });

    const error = await failureOf(model.next(request));

    expect(error).toMatchObject({ name: 'ModelError', attempts: 2, retryable: true });
    expect(String(error)).toContain('could not reach the server');
    expect(String(error)).toContain('ECONNREFUSED');
  });
});

describe('OpenAICompatibleModel errors', () => {
  it('does not retry a 404 and shows the start of the body', async () => {
    const notFound = {
      error: { message: 'model "llama9" not found, try pulling it first', type: 'api_error' },
    };
    server.respond({ status: 404, body: notFound });
    const { model } = modelWith({ model: 'llama9' });

    const error = await failureOf(model.next(request));

    expect(error).toMatchObject({ status: 404, attempts: 1, retryable: false });
    expect(String(error)).toContain(`answered 404: ${JSON.stringify(notFound)}`);
    expect(server.requests).toHaveLength(1);
  });

  it('throws a ModelError with the status and the first 200 characters when the body is not JSON', async () => {
    const page = `<html><body>${'Bad gateway page. '.repeat(30)}</body></html>`;
    server.respond({ status: 200, body: page });
    const { model } = modelWith();

    const error = await failureOf(model.next(request));

    expect(error).toMatchObject({
      name: 'ModelError',
      message: `OpenAI-compatible model gpt-4o-mini at ${server.baseUrl}/chat/completions: answered 200 with a body that is not JSON: ${page.slice(0, 200)}…`,
      status: 200,
      retryable: false,
    });
  });

  it('throws a ModelError that says what is missing when the body is JSON but not a chat completion', async () => {
    server.respond({ body: { object: 'list', data: [] } });
    const { model } = modelWith();

    const error = await failureOf(model.next(request));

    expect(String(error)).toContain(
      'answered 200 with a body that is not a chat completion (choices: expected array, received undefined): {"object":"list","data":[]}',
    );
  });

  it('gives up on a server that does not answer in time, without retrying', async () => {
    server.respond({ hang: true });
    const { model } = modelWith({ timeoutMs: 100 });

    const error = await failureOf(model.next(request));

    expect(error).toMatchObject({ name: 'ModelError', attempts: 1, retryable: false });
    expect(String(error)).toContain('no answer within 100 ms');
    expect(server.requests).toHaveLength(1);
  });

  it('never puts the API key in an error message', async () => {
    server.respond({ status: 401, body: { error: { message: 'Incorrect API key provided' } } });
    const { model } = modelWith();

    const error = await failureOf(model.next(request));

    expect(error).toMatchObject({ status: 401, retryable: false });
    expect(String(error)).not.toContain(API_KEY);
  });
});
