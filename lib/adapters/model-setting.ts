import * as z from 'zod';
import type { Model } from '../core/ports.ts';
import { BedrockModel } from './bedrock-model.ts';
import { OpenAICompatibleModel } from './openai-model.ts';

/** Which model runs the agents, as `THREADLINE_MODEL` names it. */
export const ModelSettingSchema = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('demo') }),
  z.object({
    provider: z.literal('bedrock'),
    // A model id, an inference profile id, or an ARN: `anthropic.claude-…-v1:0`, `us.amazon.nova-…`.
    modelId: z
      .string()
      .regex(/^[A-Za-z0-9._:/-]+$/, 'a Bedrock model id has no spaces or special characters'),
  }),
  z.object({
    provider: z.literal('openai'),
    baseUrl: z.url({ protocol: /^https?$/, error: 'the base URL must be an http:// or https:// URL' }),
    model: z.string().regex(/^\S+$/, 'the model name after # must be non-empty, without spaces'),
  }),
]);
export type ModelSetting = z.infer<typeof ModelSettingSchema>;

const ACCEPTED_FORMS = [
  'demo (or unset): the offline demo model',
  'bedrock:<model-id>, e.g. bedrock:anthropic.claude-3-5-haiku-20241022-v1:0',
  'openai:<base-url>#<model>, e.g. openai:http://localhost:11434/v1#llama3.1',
];

/** Reads `THREADLINE_MODEL`. Unset or empty means the demo model; anything unreadable throws. */
export const parseModelSetting = (value: string | undefined): ModelSetting => {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'demo') return { provider: 'demo' };
  const colon = text.indexOf(':');
  const provider = colon === -1 ? text : text.slice(0, colon);
  const rest = colon === -1 ? '' : text.slice(colon + 1).trim();

  let candidate: unknown;
  if (provider === 'bedrock') {
    if (rest === '') throw invalid(text, 'the model id after "bedrock:" is missing');
    candidate = { provider, modelId: rest };
  } else if (provider === 'openai') {
    // The model follows the last `#`: model names may hold `:` and `/`, never `#`.
    const hash = rest.lastIndexOf('#');
    if (hash === -1)
      throw invalid(text, 'the model is missing: write it after the base URL, following a "#"');
    candidate = { provider, baseUrl: rest.slice(0, hash), model: rest.slice(hash + 1) };
  } else {
    throw invalid(text, `"${provider}" is not a provider`);
  }
  const parsed = ModelSettingSchema.safeParse(candidate);
  if (!parsed.success) throw invalid(text, parsed.error.issues.map((issue) => issue.message).join('; '));
  return parsed.data;
};

const invalid = (value: string, problem: string): Error =>
  new Error(
    `THREADLINE_MODEL="${value}" is not valid: ${problem}. Accepted forms:\n${ACCEPTED_FORMS.map((form) => `  ${form}`).join('\n')}`,
  );

export interface CreateModelOptions {
  /** Builds the demo model, which lives with the local stack. */
  demo: () => Model;
  /** For `openai:` endpoints that need one; the caller reads it (OPENAI_API_KEY), never this module. */
  apiKey?: string;
}

/** The adapter a setting names. */
export const createModel = (setting: ModelSetting, options: CreateModelOptions): Model => {
  switch (setting.provider) {
    case 'demo':
      return options.demo();
    case 'bedrock':
      return new BedrockModel({ modelId: setting.modelId });
    case 'openai':
      return new OpenAICompatibleModel({
        baseUrl: setting.baseUrl,
        model: setting.model,
        apiKey: options.apiKey,
      });
  }
};
