import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenAICompatibleModel } from '../../lib/adapters/openai-model.ts';
import { expectedSchemas, request } from './model-fixtures.ts';
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
const lookupAcme = { content: null, tool_calls: [toolCall('lookup_customer', '{"name":"Acme"}')] };

describe('OpenAICompatibleModel request', () => {
  it('posts the system prompt, the context and the tools with tool_choice required to the chat completions path', async () => {
    server.respond({ body: chatCompletion(lookupAcme) });
    const model = new OpenAICompatibleModel({
      baseUrl: `${server.baseUrl}/`,
      model: 'gpt-4o-mini',
      apiKey: API_KEY,
      maxTokens: 1024,
    });

    await model.next(request);

    expect(server.requests).toHaveLength(1);
    const [sent] = server.requests;
    expect(sent).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    });
    expect(JSON.parse(sent?.body ?? '')).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are the billing agent.' },
        { role: 'user', content: '<user-message>\nBill Acme $120 for March\n</user-message>' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'lookup_customer',
            description: 'Find customers by name. Read-only.',
            parameters: expectedSchemas.lookupCustomer,
          },
        },
        {
          type: 'function',
          function: {
            name: 'create_payment_link',
            description: 'Create a payment link a customer can pay.',
            parameters: expectedSchemas.createPaymentLink,
          },
        },
      ],
      tool_choice: 'required',
      stream: false,
      max_tokens: 1024,
    });
  });

  it('sends no Authorization header without an API key, and no max_tokens unless asked', async () => {
    server.respond({ body: chatCompletion(lookupAcme) });

    await new OpenAICompatibleModel({ baseUrl: server.baseUrl, model: 'llama3.1' }).next(request);

    const [sent] = server.requests;
    expect(sent?.headers.authorization).toBeUndefined();
    expect(JSON.parse(sent?.body ?? '')).not.toHaveProperty('max_tokens');
  });

  it('keeps the API key out of what inspecting or logging the model prints', () => {
    const model = new OpenAICompatibleModel({
      baseUrl: server.baseUrl,
      model: 'gpt-4o-mini',
      apiKey: API_KEY,
    });

    expect(inspect(model, { depth: 5, showHidden: true })).not.toContain(API_KEY);
    expect(JSON.stringify(model)).not.toContain(API_KEY);
  });
});

describe('OpenAICompatibleModel reply', () => {
  it('reads the first tool call, its arguments as sent, the text beside it and the usage', async () => {
    server.respond({
      body: chatCompletion({
        content: 'Looking Acme up first.',
        tool_calls: [
          toolCall('lookup_customer', '{"name": "Acme"}'),
          toolCall('create_payment_link', '{"customerId":"c-1"}'),
        ],
      }),
    });

    const reply = await new OpenAICompatibleModel({ baseUrl: server.baseUrl, model: 'gpt-4o-mini' }).next(
      request,
    );

    expect(reply).toEqual({
      tool: 'lookup_customer',
      argsJson: '{"name": "Acme"}',
      text: 'Looking Acme up first.',
      stopReason: 'tool_use',
      usage: { inputTokens: 812, outputTokens: 41 },
      model: 'gpt-4o-mini',
    });
  });

  it('turns tool arguments that a server sends as an object into JSON text', async () => {
    server.respond({
      body: chatCompletion({ content: '', tool_calls: [toolCall('lookup_customer', { name: 'Acme' })] }),
    });

    const reply = await new OpenAICompatibleModel({ baseUrl: server.baseUrl, model: 'llama3.1' }).next(
      request,
    );

    expect(reply).toMatchObject({ tool: 'lookup_customer', argsJson: '{"name":"Acme"}' });
    expect(reply).not.toHaveProperty('text');
  });

  it('reads a legacy function_call like a tool call', async () => {
    const message = {
      content: null,
      function_call: { name: 'lookup_customer', arguments: '{"name":"Acme"}' },
    };
    server.respond({ body: chatCompletion(message, 'function_call') });

    const reply = await new OpenAICompatibleModel({ baseUrl: server.baseUrl, model: 'llama3.1' }).next(
      request,
    );

    expect(reply).toMatchObject({
      tool: 'lookup_customer',
      argsJson: '{"name":"Acme"}',
      stopReason: 'tool_use',
    });
  });

  it.each([
    ['tool_calls', 'tool_use'],
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['content_filter', 'guardrail_intervened'],
    ['eos', 'other'],
    ['constructor', 'other'],
    ['__proto__', 'other'],
    [null, 'other'],
  ])('maps the finish reason %s to %s when no tool was called', async (finishReason, expected) => {
    server.respond({ body: chatCompletion({ content: 'I would rather talk.' }, finishReason) });

    const reply = await new OpenAICompatibleModel({ baseUrl: server.baseUrl, model: 'llama3.1' }).next(
      request,
    );

    expect(reply).toMatchObject({ text: 'I would rather talk.', stopReason: expected });
    expect(reply).not.toHaveProperty('tool');
  });

  it('reports tool_use when a server says stop beside a tool call', async () => {
    server.respond({ body: chatCompletion(lookupAcme, 'stop') });

    const reply = await new OpenAICompatibleModel({ baseUrl: server.baseUrl, model: 'llama3.1' }).next(
      request,
    );

    expect(reply.stopReason).toBe('tool_use');
  });

  it('reads how many prompt tokens came from OpenAI’s prompt cache', async () => {
    server.respond({
      body: chatCompletion(lookupAcme, 'tool_calls', {
        prompt_tokens: 2006,
        completion_tokens: 300,
        total_tokens: 2306,
        prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      }),
    });

    const reply = await new OpenAICompatibleModel({ baseUrl: server.baseUrl, model: 'gpt-4o' }).next(request);

    expect(reply.usage).toEqual({ inputTokens: 2006, outputTokens: 300, cachedInputTokens: 1920 });
  });

  it('counts missing usage as zero tokens', async () => {
    server.respond({ body: chatCompletion(lookupAcme, 'tool_calls', null) });

    const reply = await new OpenAICompatibleModel({ baseUrl: server.baseUrl, model: 'llama3.1' }).next(
      request,
    );

    expect(reply).toEqual({
      tool: 'lookup_customer',
      argsJson: '{"name":"Acme"}',
      stopReason: 'tool_use',
      usage: { inputTokens: 0, outputTokens: 0 },
      model: 'llama3.1',
    });
  });
});
