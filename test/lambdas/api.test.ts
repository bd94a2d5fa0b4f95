import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { LambdaEvent } from 'hono/aws-lambda';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../lambdas/api.ts';
import { ApprovalLinks } from '../../lib/adapters/approval-links.ts';
import { InMemoryIdempotencyStore } from '../../lib/adapters/memory-idempotency-store.ts';
import type { ApiDeps } from '../../lib/api/deps.ts';
import { createHarness, userMessage } from '../service/harness.ts';

/** An API Gateway REST (v1) proxy event, modelled on the Lambda developer guide's example. */
const restEvent = (method: string, path: string): LambdaEvent =>
  asLambdaEvent({
    resource: '/{proxy+}',
    path,
    httpMethod: method,
    headers: { Accept: 'application/json', Host: 'abc123.execute-api.eu-west-1.amazonaws.com' },
    multiValueHeaders: { Accept: ['application/json'], Host: ['abc123.execute-api.eu-west-1.amazonaws.com'] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.9',
        user: null,
        userAgent: 'vitest',
        userArn: null,
      },
      path: `/prod${path}`,
      stage: 'prod',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTimeEpoch: 1767225600000,
      resourceId: 'xyz',
      resourcePath: '/{proxy+}',
    },
    body: null,
    isBase64Encoded: false,
  });

/** Hono types the event with `undefined` where API Gateway sends `null`: the JSON is the same. */
const asLambdaEvent = (event: APIGatewayProxyEvent): LambdaEvent => JSON.parse(JSON.stringify(event));

const apiDeps = async (): Promise<ApiDeps> => {
  const harness = createHarness();
  await harness.thread('th-1', [userMessage('Refund INV-1001')]);
  return {
    ...harness.deps,
    ingress: { send: async () => undefined },
    idempotency: new InMemoryIdempotencyStore(),
    links: new ApprovalLinks(Buffer.alloc(32, 7)),
    auth: { kind: 'none' },
    publicUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
  };
};

describe('api handler', () => {
  it('serves the Hono app behind API Gateway, building its deps once', async () => {
    let builds = 0;
    const handler = createHandler(async () => {
      builds += 1;
      return apiDeps();
    });

    const first = await handler(restEvent('GET', '/threads/th-1'));
    const second = await handler(restEvent('GET', '/threads/th-nope'));

    expect(first.statusCode).toBe(200);
    expect(JSON.parse(first.body)).toMatchObject({ threadId: 'th-1' });
    expect(second.statusCode).toBe(404);
    expect(builds).toBe(1);
  });

  it('tries building its deps again after a failure', async () => {
    let builds = 0;
    const handler = createHandler(async () => {
      builds += 1;
      if (builds === 1) throw new Error('Secrets Manager is unreachable');
      return apiDeps();
    });

    await expect(handler(restEvent('GET', '/threads/th-1'))).rejects.toThrow(
      'Secrets Manager is unreachable',
    );
    expect((await handler(restEvent('GET', '/threads/th-1'))).statusCode).toBe(200);
  });
});
