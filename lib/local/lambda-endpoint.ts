import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { type JsonValue, JsonValueSchema } from '../core/json.ts';
import { closeServer, listenLocally } from './listen-locally.ts';

export interface LambdaEndpointOptions {
  /** The logical id of the function a name or ARN names, if the stack has it. */
  resolve: (nameOrArn: string) => string | undefined;
  /** `InvocationType: Event`: queued, answered 202. */
  invokeAsync: (functionLogicalId: string, event: JsonValue) => void;
}

/**
 * Lambda's Invoke (`POST /2015-03-31/functions/<name>/invocations`) for what the local stack's
 * functions call: asynchronous invocations, as the redrive function replays failed events. A stock
 * LambdaClient pointed at it (`AWS_ENDPOINT_URL_LAMBDA`) works.
 */
export const startLambdaEndpoint = async (options: LambdaEndpointOptions) => {
  const app = new Hono();
  const error = (status: 400 | 404, type: string, message: string) =>
    new Response(JSON.stringify({ Type: 'User', message }), {
      status,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': type },
    });
  app.post('/2015-03-31/functions/:name/invocations', async (c) => {
    const name = decodeURIComponent(c.req.param('name'));
    const logicalId = options.resolve(name);
    if (logicalId === undefined)
      return error(404, 'ResourceNotFoundException', `Function not found: ${name}`);
    const type = c.req.header('x-amz-invocation-type') ?? 'RequestResponse';
    if (type !== 'Event') {
      return error(
        400,
        'InvalidParameterValueException',
        `the local stack invokes only asynchronously, not ${type}`,
      );
    }
    let event: JsonValue;
    try {
      const text = await c.req.text();
      event = JsonValueSchema.parse(text.trim() === '' ? {} : JSON.parse(text));
    } catch {
      return error(400, 'InvalidRequestContentException', 'Could not parse request body into json');
    }
    options.invokeAsync(logicalId, event);
    return c.body(null, 202);
  });
  const server = createServer(getRequestListener((request) => app.fetch(request)));
  const endpoint = await listenLocally(server);
  return { endpoint, close: () => closeServer(server) };
};
