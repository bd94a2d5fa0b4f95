import { handle } from 'hono/aws-lambda';
import { describe, expect, it } from 'vitest';
import { hasSharedFixtures, readSharedFixture, sharedFixtureNames } from '../support/shared-fixtures.ts';
import { AUTHORIZED, createTestApi, linkPath, seedApproval, seedThread } from './harness.ts';

const THREAD_ROUTES: [string, string, unknown][] = [
  ['GET', '/threads', undefined],
  ['POST', '/threads', { agent: 'billing', message: 'hi' }],
  ['GET', '/threads/thread-1', undefined],
  ['POST', '/threads/thread-1/messages', { message: 'hi' }],
  ['POST', '/threads/thread-1/pause', {}],
  ['POST', '/threads/thread-1/resume', {}],
  ['POST', '/threads/thread-1/cancel', {}],
];

const send = (
  api: ReturnType<typeof createTestApi>,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
  env?: unknown,
) =>
  api.app.request(
    path,
    {
      method,
      headers: { 'Content-Type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    },
    env,
  );

const USER_ARN = 'arn:aws:sts::123456789012:assumed-role/ops/grace';
const iamEnv = {
  event: { requestContext: { identity: { userArn: USER_ARN, caller: 'AROAEXAMPLE:grace' } } },
};

describe('thread routes with a bearer token', () => {
  it.each(THREAD_ROUTES)('answers %s %s without a token with 401', async (method, path, body) => {
    const api = createTestApi();
    await seedThread(api);

    const response = await send(api, method, path, body);

    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer realm="threadline"');
    expect(await response.json()).toEqual({
      error: 'unauthorized',
      message: 'send Authorization: Bearer <THREADLINE_API_TOKEN>',
    });
    expect(api.ingress.sent).toEqual([]);
    expect((await api.store.load('thread-1')).events).toHaveLength(1);
  });

  it.each([
    'Bearer wrong-token',
    `Basic ${Buffer.from('x:y').toString('base64')}`,
    'Bearer',
    `Bearer ${AUTHORIZED.Authorization.slice(7, -1)}`,
    'Bearer not a token',
  ])('answers 401 to Authorization: %s, saying what to send', async (authorization) => {
    const api = createTestApi();

    const response = await send(api, 'GET', '/threads', undefined, { Authorization: authorization });

    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer realm="threadline"');
    expect(await response.json()).toEqual({
      error: 'unauthorized',
      message: 'send Authorization: Bearer <THREADLINE_API_TOKEN>',
    });
  });

  it.each(['Bearer', 'bearer', 'BEARER'])('lets the right token in after %s', async (scheme) => {
    const api = createTestApi();
    const token = AUTHORIZED.Authorization.slice('Bearer '.length);

    const response = await send(api, 'GET', '/threads', undefined, { Authorization: `${scheme}  ${token}` });

    expect(response.status).toBe(200);
  });

  it('lets the right token in', async () => {
    const api = createTestApi();

    expect((await send(api, 'GET', '/threads', undefined, AUTHORIZED)).status).toBe(200);
  });

  it.each(['two words', 'p@ss:word!', 'caf\u00e9'])(
    'refuses to start with a token a bearer header cannot carry: %s',
    (token) => {
      expect(() => createTestApi({ auth: { kind: 'token', token } })).toThrow(
        'THREADLINE_API_TOKEN may hold only letters, digits and - . _ ~ + / (and = at the end)',
      );
    },
  );

  it('refuses to start with an empty token', () => {
    expect(() => createTestApi({ auth: { kind: 'token', token: '' } })).toThrow(
      'THREADLINE_API_TOKEN is empty',
    );
  });
});

describe('thread routes behind IAM', () => {
  it.each(THREAD_ROUTES)(
    'answers %s %s without an IAM caller from API Gateway with 401',
    async (method, path, body) => {
      const api = createTestApi({ auth: { kind: 'iam' } });
      await seedThread(api);

      const response = await send(api, method, path, body, AUTHORIZED, {
        event: { requestContext: { identity: { userArn: null, caller: null } } },
      });

      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: 'unauthorized',
        message: 'sign the request with AWS SigV4 (IAM auth)',
      });
    },
  );

  it('takes the IAM caller API Gateway attached and records it as the sender', async () => {
    const api = createTestApi({ auth: { kind: 'iam' } });

    const response = await send(api, 'POST', '/threads', { agent: 'billing', message: 'hi' }, {}, iamEnv);

    expect(response.status).toBe(202);
    expect(api.ingress.sent[0]).toMatchObject({ from: USER_ARN });
  });

  it('takes the IAM caller of an HTTP API (payload 2.0)', async () => {
    const api = createTestApi({ auth: { kind: 'iam' } });
    const env = {
      event: { requestContext: { authorizer: { iam: { userArn: USER_ARN, callerId: 'AROAEXAMPLE' } } } },
    };

    expect((await send(api, 'GET', '/threads', undefined, {}, env)).status).toBe(200);
  });

  it('works through the hono/aws-lambda adapter with a REST API proxy event', async () => {
    const api = createTestApi({ auth: { kind: 'iam' } });
    const lambda = handle(api.app);
    const event = (userArn: string | null) => ({
      resource: '/threads',
      path: '/threads',
      httpMethod: 'POST',
      headers: { 'content-type': 'application/json', 'Idempotency-Key': 'k-1' },
      multiValueHeaders: { 'content-type': ['application/json'], 'Idempotency-Key': ['k-1'] },
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      requestContext: {
        accountId: '123456789012',
        apiId: 'abc123',
        authorizer: null,
        domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
        httpMethod: 'POST',
        identity: {
          accountId: userArn ? '123456789012' : null,
          caller: userArn ? 'AROAEXAMPLE:grace' : null,
          sourceIp: '203.0.113.9',
          userAgent: 'aws-sdk-js',
          userArn,
        },
        path: '/prod/threads',
        requestId: 'req-1',
        resourcePath: '/threads',
        stage: 'prod',
      },
      pathParameters: null,
      stageVariables: null,
      body: JSON.stringify({ agent: 'billing', message: 'Bill Terri' }),
      isBase64Encoded: false,
    });

    // biome-ignore lint/suspicious/noExplicitAny: the adapter's event type is a union we build by hand here
    const signed = await lambda(event(USER_ARN) as any, {} as any);
    // biome-ignore lint/suspicious/noExplicitAny: as above
    const unsigned = await lambda(event(null) as any, {} as any);

    expect(signed).toMatchObject({ statusCode: 202 });
    expect(unsigned).toMatchObject({ statusCode: 401 });
    expect(api.ingress.sent).toHaveLength(1);
  });
});

describe.skipIf(!hasSharedFixtures)('API Gateway events as AWS publishes them', () => {
  const events = [
    ...sharedFixtureNames('apigw-v1', '.json').map((name) => ['apigw-v1', name] as const),
    ...sharedFixtureNames('apigw-v2', '.json').map((name) => ['apigw-v2', name] as const),
  ];

  it.each(events)('lets %s/%s list threads only when it carries an IAM caller', async (folder, name) => {
    const api = createTestApi({ auth: { kind: 'iam' } });
    const event = JSON.parse(readSharedFixture(folder, name).toString('utf-8'));
    const context = event.requestContext ?? {};
    const hasCaller = Boolean(
      context.identity?.userArn || context.identity?.caller || context.authorizer?.iam?.userArn,
    );
    const rewritten =
      'rawPath' in event
        ? {
            ...event,
            rawPath: '/threads',
            rawQueryString: '',
            body: undefined,
            requestContext: { ...context, http: { ...context.http, method: 'GET', path: '/threads' } },
          }
        : {
            ...event,
            path: '/threads',
            httpMethod: 'GET',
            body: null,
            queryStringParameters: null,
            multiValueQueryStringParameters: null,
          };

    // biome-ignore lint/suspicious/noExplicitAny: published events, fed to the adapter as they are
    const result = await handle(api.app)(rewritten as any, {} as any);

    expect(result).toMatchObject({ statusCode: hasCaller ? 200 : 401 });
  });
});

describe('approval routes', () => {
  it.each([{ kind: 'token' as const, token: 'a-token' }, { kind: 'iam' as const }])(
    'need no API auth (%o): the signed link is enough',
    async (auth) => {
      const api = createTestApi({ auth });
      const { approvalId } = await seedApproval(api);

      const response = await api.app.request(await linkPath(api, approvalId));

      expect(response.status).toBe(200);
    },
  );
});

describe('without auth configured', () => {
  it('lets every thread route in: the local stack on 127.0.0.1', async () => {
    const api = createTestApi({ auth: { kind: 'none' } });

    expect((await send(api, 'POST', '/threads', { agent: 'billing', message: 'hi' })).status).toBe(202);
  });
});
