import { describe, expect, it } from 'vitest';
import { BedrockModel } from '../../lib/adapters/bedrock-model.ts';
import { createModel, parseModelSetting } from '../../lib/adapters/model-setting.ts';
import { OpenAICompatibleModel } from '../../lib/adapters/openai-model.ts';
import type { Model } from '../../lib/core/ports.ts';

describe('parseModelSetting', () => {
  it.each([undefined, '', '   ', 'demo', ' demo '])('reads %j as the demo model', (value) => {
    expect(parseModelSetting(value)).toEqual({ provider: 'demo' });
  });

  it.each([
    'anthropic.claude-3-5-haiku-20241022-v1:0',
    'us.amazon.nova-pro-v1:0',
    'arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-3-7-sonnet-20250219-v1:0',
  ])('reads bedrock:%s, colons and all', (modelId) => {
    expect(parseModelSetting(`bedrock:${modelId}`)).toEqual({ provider: 'bedrock', modelId });
  });

  it.each([
    ['openai:http://localhost:11434/v1#llama3.1', 'http://localhost:11434/v1', 'llama3.1'],
    [
      'openai:http://localhost:11434/v1#llama3.1:8b-instruct-q4_K_M',
      'http://localhost:11434/v1',
      'llama3.1:8b-instruct-q4_K_M',
    ],
    [
      'openai:http://127.0.0.1:8000/v1#meta-llama/Llama-3.1-8B-Instruct',
      'http://127.0.0.1:8000/v1',
      'meta-llama/Llama-3.1-8B-Instruct',
    ],
    ['openai:https://api.openai.com/v1#gpt-4o-mini', 'https://api.openai.com/v1', 'gpt-4o-mini'],
  ])('reads %s as an OpenAI-compatible endpoint', (value, baseUrl, model) => {
    expect(parseModelSetting(value)).toEqual({ provider: 'openai', baseUrl, model });
  });

  it.each([
    ['claude', '"claude" is not a provider'],
    ['anthropic:claude-3', '"anthropic" is not a provider'],
    ['bedrock:', 'the model id after "bedrock:" is missing'],
    ['bedrock:claude 3', 'a Bedrock model id has no spaces or special characters'],
    ['openai:http://localhost:11434/v1', 'the model is missing'],
    ['openai:http://localhost:11434/v1#', 'the model name after # must be non-empty'],
    ['openai:localhost:11434/v1#llama3.1', 'the base URL must be an http:// or https:// URL'],
    ['openai:ftp://models.example.com#llama3.1', 'the base URL must be an http:// or https:// URL'],
  ])('rejects %j, naming the setting, the problem and the accepted forms', (value, problem) => {
    const read = () => parseModelSetting(value);

    expect(read).toThrow(`THREADLINE_MODEL="${value}" is not valid: ${problem}`);
    expect(read).toThrow('bedrock:<model-id>');
    expect(read).toThrow('openai:<base-url>#<model>');
  });
});

describe('createModel', () => {
  const demo: Model = {
    id: 'demo',
    next: async () => ({ stopReason: 'other', usage: { inputTokens: 0, outputTokens: 0 }, model: 'demo' }),
  };

  it('builds the demo model from the factory it is given', () => {
    expect(createModel({ provider: 'demo' }, { demo: () => demo })).toBe(demo);
  });

  it('builds a Bedrock model for the model id', () => {
    const model = createModel(
      { provider: 'bedrock', modelId: 'us.amazon.nova-pro-v1:0' },
      { demo: () => demo },
    );

    expect(model).toBeInstanceOf(BedrockModel);
    expect(model.id).toBe('us.amazon.nova-pro-v1:0');
  });

  it('builds an OpenAI-compatible model for the endpoint', () => {
    const setting = parseModelSetting('openai:http://localhost:11434/v1/#llama3.1');

    const model = createModel(setting, { demo: () => demo, apiKey: 'sk-local' });

    expect(model).toBeInstanceOf(OpenAICompatibleModel);
    expect(model).toMatchObject({ id: 'llama3.1', url: 'http://localhost:11434/v1/chat/completions' });
  });
});
