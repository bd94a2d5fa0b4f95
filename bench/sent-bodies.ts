import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from 'node:http2';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { BedrockModel } from '../lib/adapters/bedrock-model.ts';
import { OpenAICompatibleModel } from '../lib/adapters/openai-model.ts';
import type { Model, ModelRequest } from '../lib/core/ports.ts';

/**
 * The request bodies the model adapters really send. Each adapter posts to a real HTTP server on
 * 127.0.0.1 that keeps the raw body and answers with a valid reply; the bench then counts the
 * tokens of exactly those bytes. The Bedrock adapter goes through the AWS SDK's own Converse
 * serializer (signed with throw-away credentials), so the body is the one Bedrock would receive;
 * its client speaks HTTP/2, which the server then speaks too (cleartext, on the loopback only).
 */
const withRecordingServer = async <T>(
  protocol: 'http/1.1' | 'h2c',
  answer: string,
  use: (baseUrl: string, bodies: string[]) => Promise<T>,
): Promise<T> => {
  const bodies: string[] = [];
  const record = (
    incoming: IncomingMessage | Http2ServerRequest,
    outgoing: ServerResponse | Http2ServerResponse,
  ) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      outgoing.writeHead(200, { 'content-type': 'application/json' });
      outgoing.end(answer);
    });
  };
  const server = protocol === 'h2c' ? createHttp2Server(record) : createHttpServer(record);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');
  try {
    return await use(`http://127.0.0.1:${address.port}`, bodies);
  } finally {
    if ('closeAllConnections' in server) server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
};

const sendAll = async (model: Model, requests: readonly ModelRequest[], bodies: string[]) => {
  for (const request of requests) await model.next(request);
  if (bodies.length !== requests.length)
    throw new Error(`${model.id}: ${requests.length} calls but ${bodies.length} bodies arrived`);
  return [...bodies];
};

const CHAT_COMPLETION = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 0,
  model: 'gpt-4o-mini',
  choices: [
    {
      index: 0,
      finish_reason: 'tool_calls',
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'done_for_now', arguments: '{"message":"ok"}' },
          },
        ],
      },
    },
  ],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});

const CONVERSE_OUTPUT = JSON.stringify({
  output: {
    message: {
      role: 'assistant',
      content: [{ toolUse: { toolUseId: 'tooluse_1', name: 'done_for_now', input: { message: 'ok' } } }],
    },
  },
  stopReason: 'tool_use',
  usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
  metrics: { latencyMs: 1 },
});

/** The chat-completions bodies `OpenAICompatibleModel` posts for these requests, one per call. */
export const openAIBodies = (requests: readonly ModelRequest[]): Promise<string[]> =>
  withRecordingServer('http/1.1', CHAT_COMPLETION, (baseUrl, bodies) =>
    sendAll(new OpenAICompatibleModel({ baseUrl: `${baseUrl}/v1`, model: 'gpt-4o-mini' }), requests, bodies),
  );

/** The Converse bodies `BedrockModel` sends for these requests (the model id travels in the path). */
export const bedrockBodies = (requests: readonly ModelRequest[]): Promise<string[]> =>
  withRecordingServer('h2c', CONVERSE_OUTPUT, (baseUrl, bodies) => {
    const client = new BedrockRuntimeClient({
      endpoint: baseUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
      maxAttempts: 1,
    });
    const model = new BedrockModel({ modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', client });
    return sendAll(model, requests, bodies).finally(() => client.destroy());
  });
