import { SqsSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import type { SQSEvent } from 'aws-lambda';
import * as awaitHuman from '../../lambdas/await-human.ts';
import { createBase, type Env } from '../../lambdas/base.ts';
import * as expire from '../../lambdas/expire.ts';
import { idempotencyStoreOf } from '../../lambdas/idempotency-piece.ts';
import * as inboundEmail from '../../lambdas/inbound-email.ts';
import * as ingest from '../../lambdas/ingest.ts';
import { lazyFields } from '../../lambdas/lazy.ts';
import { loopPieces } from '../../lambdas/loop-pieces.ts';
import * as notify from '../../lambdas/notify.ts';
import * as onFailure from '../../lambdas/on-failure.ts';
import * as startChild from '../../lambdas/start-child.ts';
import * as step from '../../lambdas/step.ts';
import { createTelemetry, silentTelemetry, type Telemetry } from '../../lambdas/telemetry.ts';
import * as tool from '../../lambdas/tool.ts';
import type { IdempotencyStore } from '../adapters/idempotency-store.ts';
import type { JsonValue } from '../core/json.ts';
import { JsonValueSchema } from '../core/json.ts';
import type { TemplateFunction, TemplateLoop } from '../infra/definition-from-template.ts';
import type { ServiceDeps } from '../service/deps.ts';
import type { LocalFunction } from './local-step-functions.ts';

type Invoke = (event: unknown) => Promise<unknown>;

/**
 * The handler of each entry file, built the way its `handler` export is, but from deps made with
 * the environment the template gives that one function. (The API is served by the local stack
 * itself, as the same Hono app.)
 */
const HANDLERS: Readonly<Record<string, (telemetry: Telemetry, env: Env) => Invoke>> = {
  'lambdas/step.ts': (telemetry, env) => step.createHandler(step.depsFrom(telemetry, env)),
  'lambdas/tool.ts': (telemetry, env) => tool.createHandler(tool.depsFrom(telemetry, env)),
  'lambdas/await-human.ts': (telemetry, env) => awaitHuman.createHandler(awaitHuman.depsFrom(telemetry, env)),
  'lambdas/expire.ts': (telemetry, env) => expire.createHandler(expire.depsFrom(telemetry, env)),
  'lambdas/start-child.ts': (telemetry, env) => startChild.createHandler(startChild.depsFrom(telemetry, env)),
  'lambdas/notify.ts': (telemetry, env) => notify.createHandler(notify.depsFrom(telemetry, env)),
  'lambdas/on-failure.ts': (telemetry, env) => onFailure.createHandler(onFailure.depsFrom(telemetry, env)),
  'lambdas/ingest.ts': (telemetry, env) => {
    const handle = ingest.createHandler(ingest.depsFrom(telemetry, env));
    return async (event) => {
      if (!isSqsEvent(event)) throw new Error('the ingest function takes an SQS event');
      return handle(event);
    };
  },
  'lambdas/inbound-email.ts': (telemetry, env) =>
    inboundEmail.createHandler(inboundEmail.depsFrom(telemetry, env)),
};

/** The event source mapping's batch, checked against Powertools' schema of Lambda's SQS event. */
const isSqsEvent = (event: unknown): event is SQSEvent => SqsSchema.safeParse(event).success;

export interface HostedFunction {
  fn: TemplateFunction;
  invoke: LocalFunction;
}

export interface FunctionHostOptions {
  /** The environment each function runs with: the template's, with local names filled in. */
  environmentOf: (fn: TemplateFunction) => Record<string, string>;
  /** Log as Lambda would (JSON lines), or not at all. */
  quiet?: boolean;
}

/**
 * Every function of the template that the local stack runs in-process, by ARN: its own code,
 * its own environment, a cold start of its own. Payloads go through JSON on the way in and out,
 * as they do through Lambda.
 */
export const hostFunctions = (
  loop: TemplateLoop,
  options: FunctionHostOptions,
): Map<string, HostedFunction> => {
  const hosted = new Map<string, HostedFunction>();
  for (const fn of loop.functions.values()) {
    const build = HANDLERS[fn.entry];
    if (!build) continue;
    const telemetry: Telemetry = options.quiet ? silentTelemetry() : createTelemetry();
    const handler = build(telemetry, options.environmentOf(fn));
    const invoke: LocalFunction = async (payload: JsonValue) => {
      const result = await handler(JSON.parse(JSON.stringify(payload)));
      return JsonValueSchema.parse(result === undefined ? null : JSON.parse(JSON.stringify(result)));
    };
    hosted.set(fn.arn, { fn, invoke });
  }
  return hosted;
};

/** The functions' code as the local Step Functions runner wants it: ARN → invoke. */
export const invokersOf = (hosted: ReadonlyMap<string, HostedFunction>): Map<string, LocalFunction> =>
  new Map([...hosted].map(([arn, entry]) => [arn, entry.invoke]));

/**
 * The loop as a function with this environment works it (the ingest function's, say): for what
 * the local stack does beside the functions, such as serving the API and re-arming waits.
 */
export const loopServiceFor = (env: Env): ServiceDeps =>
  lazyFields(loopPieces(createBase(silentTelemetry(), env)));

/** The API's idempotency records, as a function with this environment reaches them. */
export const idempotencyStoreFor = (env: Env): IdempotencyStore =>
  idempotencyStoreOf(createBase(silentTelemetry(), env));
