import { createServer, type IncomingHttpHeaders } from 'node:http';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Text is sent as it is; anything else as JSON. */
  body?: unknown;
  /** Never answer: for timeouts. */
  hang?: boolean;
}

/**
 * A real HTTP server on 127.0.0.1 that records each request and answers with the next scripted
 * response, or a 500 saying the script ran out.
 */
export const startScriptedChatServer = async () => {
  const requests: RecordedRequest[] = [];
  const script: ScriptedResponse[] = [];
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      requests.push({
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const next = script.shift() ?? { status: 500, body: 'the test scripted no more responses' };
      if (next.hang) return;
      const isText = typeof next.body === 'string';
      outgoing.writeHead(next.status ?? 200, {
        'content-type': isText ? 'text/plain' : 'application/json',
        ...next.headers,
      });
      outgoing.end(isText ? next.body : JSON.stringify(next.body ?? null));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');
  return {
    baseUrl: `http://127.0.0.1:${address.port}/v1`,
    requests,
    /** Queues responses, answered in order. */
    respond: (...responses: ScriptedResponse[]) => {
      script.push(...responses);
    },
    reset: () => {
      requests.length = 0;
      script.length = 0;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
};

export type ScriptedChatServer = Awaited<ReturnType<typeof startScriptedChatServer>>;

/** A chat completion as OpenAI sends it, with the parts a test changes. */
export const chatCompletion = (
  message: Record<string, unknown>,
  finishReason: string | null = 'tool_calls',
  /** null leaves `usage` out, as some servers do. */
  usage: Record<string, unknown> | null = { prompt_tokens: 812, completion_tokens: 41, total_tokens: 853 },
) => ({
  id: 'chatcmpl-9x',
  object: 'chat.completion',
  created: 1_767_225_600,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [
    { index: 0, message: { role: 'assistant', ...message }, logprobs: null, finish_reason: finishReason },
  ],
  ...(usage ? { usage } : {}),
});

export const toolCall = (name: string, args: unknown) => ({
  id: 'call_1',
  type: 'function',
  function: { name, arguments: args },
});
