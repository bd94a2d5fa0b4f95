import * as z from 'zod';
import { METADATA } from './handler-function.ts';

/** The account, region and partition placeholder ARNs are written with. */
export const LOCAL_ENV = {
  account: '000000000000',
  region: 'local',
  partition: 'aws',
  urlSuffix: 'amazonaws.com',
};

const ResourceSchema = z.object({
  Type: z.string(),
  Properties: z.record(z.string(), z.unknown()).optional(),
  Metadata: z.record(z.string(), z.unknown()).optional(),
});
const TemplateSchema = z.object({ Resources: z.record(z.string(), ResourceSchema) });
type TemplateResources = z.infer<typeof TemplateSchema>['Resources'];

const TransitionSchema = z.looseObject({ Next: z.string().optional() });
/** An ASL state: what the graph and the local runner read; every other field is kept as it is. */
const StateSchema = z.looseObject({
  Type: z.string(),
  Next: z.string().optional(),
  End: z.boolean().optional(),
  Default: z.string().optional(),
  Resource: z.string().optional(),
  Choices: z.array(TransitionSchema).optional(),
  Catch: z.array(z.looseObject({ ErrorEquals: z.array(z.string()), Next: z.string() })).optional(),
  Retry: z.array(z.looseObject({ ErrorEquals: z.array(z.string()) })).optional(),
  TimeoutSeconds: z.number().optional(),
  HeartbeatSeconds: z.number().optional(),
});
export const AslDefinitionSchema = z.looseObject({
  StartAt: z.string(),
  States: z.record(z.string(), StateSchema),
  QueryLanguage: z.string().optional(),
});
export type AslDefinition = z.infer<typeof AslDefinitionSchema>;
export type AslState = z.infer<typeof StateSchema>;

/** A function of the template, as the local stack runs it: its handler file, in-process. */
export interface TemplateFunction {
  logicalId: string;
  /** `arn:aws:lambda:local:000000000000:function:<logicalId>`, as the definition names it. */
  arn: string;
  /** The stable short name: `step`, `api`, `tool-lookup_customer`. */
  name: string;
  /** The handler file relative to the repository root; it exports `handler`. */
  entry: string;
  tool?: string;
  /** Refs and GetAtts resolved to placeholders named after the logical id (see `LOCAL_ENV`). */
  environment: Record<string, string>;
}

/** A state machine of the template: its logical id, placeholder ARN and definition. */
export interface TemplateStateMachine {
  logicalId: string;
  arn: string;
  definition: AslDefinition;
}

export interface TemplateLoop {
  /** The turn: the Standard state machine the functions start (`STATE_MACHINE_ARN`). */
  stateMachine: { logicalId: string; arn: string };
  definition: AslDefinition;
  /** The Express iterations the turn's `Iterate` task starts. */
  iterations: TemplateStateMachine;
  /** Every threadline function of the template, by logical id. */
  functions: Map<string, TemplateFunction>;
}

/**
 * Reads the agent loop from a synthesized template: both definitions (the Standard turn and
 * the Express iterations) as plain ASL (their `Fn::Join` of GetAtts and Refs resolved to
 * placeholder ARNs) and the functions they and the rest of the stack run. Accepts
 * `Template.fromStack(…)` or the template JSON.
 */
export const readStateMachineDefinition = (template: { toJSON(): unknown } | unknown): TemplateLoop => {
  const json = hasToJson(template) ? template.toJSON() : template;
  const { Resources: resources } = TemplateSchema.parse(json);
  const resolve = resolverFor(resources);
  const machineOfType = (type: 'STANDARD' | 'EXPRESS'): TemplateStateMachine => {
    const machines = Object.entries(resources).filter(
      ([, resource]) =>
        resource.Type === 'AWS::StepFunctions::StateMachine' &&
        (resource.Properties?.StateMachineType ?? 'STANDARD') === type,
    );
    const [machine, ...others] = machines;
    if (!machine || others.length > 0)
      throw new Error(`expected one ${type} state machine in the template, found ${machines.length}`);
    const [logicalId, resource] = machine;
    const definitionText = resolve(resource.Properties?.DefinitionString);
    return {
      logicalId,
      arn: placeholderArn(resources, logicalId),
      definition: AslDefinitionSchema.parse(JSON.parse(definitionText)),
    };
  };
  const turn = machineOfType('STANDARD');
  const iterations = machineOfType('EXPRESS');

  const functions = new Map<string, TemplateFunction>();
  for (const [id, candidate] of Object.entries(resources)) {
    const entry = candidate.Metadata?.[METADATA.entry];
    if (candidate.Type !== 'AWS::Lambda::Function' || typeof entry !== 'string') continue;
    const name = candidate.Metadata?.[METADATA.name];
    const tool = candidate.Metadata?.[METADATA.tool];
    const variables = z
      .object({ Variables: z.record(z.string(), z.unknown()).optional() })
      .optional()
      .parse(candidate.Properties?.Environment)?.Variables;
    functions.set(id, {
      logicalId: id,
      arn: placeholderArn(resources, id),
      name: typeof name === 'string' ? name : id,
      entry,
      ...(typeof tool === 'string' ? { tool } : {}),
      environment: Object.fromEntries(
        Object.entries(variables ?? {}).map(([key, value]) => [key, resolve(value)]),
      ),
    });
  }
  return {
    stateMachine: { logicalId: turn.logicalId, arn: turn.arn },
    definition: turn.definition,
    iterations,
    functions,
  };
};

const hasToJson = (value: unknown): value is { toJSON(): unknown } =>
  typeof value === 'object' && value !== null && 'toJSON' in value && typeof value.toJSON === 'function';

const PSEUDO: Record<string, string> = {
  'AWS::Partition': LOCAL_ENV.partition,
  'AWS::Region': LOCAL_ENV.region,
  'AWS::AccountId': LOCAL_ENV.account,
  'AWS::URLSuffix': LOCAL_ENV.urlSuffix,
  'AWS::StackName': 'Threadline',
  'AWS::NoValue': '',
};

/** ARNs for the resource types the stack references; other types get a generic ARN. */
const placeholderArn = (resources: TemplateResources, logicalId: string): string => {
  const { account, region, partition } = LOCAL_ENV;
  const resource = resources[logicalId];
  switch (resource?.Type) {
    case 'AWS::Lambda::Function':
      return `arn:${partition}:lambda:${region}:${account}:function:${logicalId}`;
    case 'AWS::StepFunctions::StateMachine': {
      const name = resource.Properties?.StateMachineName;
      return `arn:${partition}:states:${region}:${account}:stateMachine:${typeof name === 'string' ? name : logicalId}`;
    }
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable':
      return `arn:${partition}:dynamodb:${region}:${account}:table/${logicalId}`;
    case 'AWS::S3::Bucket':
      return `arn:${partition}:s3:::${logicalId}`;
    case 'AWS::SQS::Queue':
      return `arn:${partition}:sqs:${region}:${account}:${queueName(resource.Properties, logicalId)}`;
    case 'AWS::SecretsManager::Secret':
      return `arn:${partition}:secretsmanager:${region}:${account}:secret:${logicalId}`;
    default: {
      const service = resource?.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
      return `arn:${partition}:${service}:${region}:${account}:${logicalId}`;
    }
  }
};

const queueName = (properties: Record<string, unknown> | undefined, logicalId: string): string =>
  properties?.FifoQueue === true ? `${logicalId}.fifo` : logicalId;

/** What `Ref` returns, per resource type: an ARN, a URL or a name. */
const placeholderRef = (resources: TemplateResources, logicalId: string): string => {
  const resource = resources[logicalId];
  switch (resource?.Type) {
    case 'AWS::StepFunctions::StateMachine':
    case 'AWS::SecretsManager::Secret':
      return placeholderArn(resources, logicalId);
    case 'AWS::SQS::Queue':
      return `https://sqs.${LOCAL_ENV.region}.${LOCAL_ENV.urlSuffix}/${LOCAL_ENV.account}/${queueName(resource.Properties, logicalId)}`;
    case 'AWS::ApiGateway::Stage': {
      const stageName = resource.Properties?.StageName;
      return typeof stageName === 'string' ? stageName : logicalId;
    }
    default:
      return logicalId;
  }
};

const resolverFor = (resources: TemplateResources) => {
  const ref = (name: string): string => {
    const pseudo = PSEUDO[name];
    if (pseudo !== undefined) return pseudo;
    if (!resources[name]) throw new Error(`Ref to ${name}, which the template does not define`);
    return placeholderRef(resources, name);
  };
  const getAtt = (logicalId: string, attribute: string): string => {
    if (attribute === 'Arn') return placeholderArn(resources, logicalId);
    if (attribute === 'QueueUrl') return placeholderRef(resources, logicalId);
    if (attribute === 'QueueName') return queueName(resources[logicalId]?.Properties, logicalId);
    return `${logicalId}.${attribute}`;
  };
  const resolve = (value: unknown): string => {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    const intrinsic = IntrinsicSchema.safeParse(value);
    if (!intrinsic.success) throw new Error(`cannot resolve template value ${JSON.stringify(value)}`);
    const fn = intrinsic.data;
    if ('Ref' in fn) return ref(fn.Ref);
    if ('Fn::GetAtt' in fn) return getAtt(...fn['Fn::GetAtt']);
    if ('Fn::Join' in fn) return fn['Fn::Join'][1].map(resolve).join(fn['Fn::Join'][0]);
    if ('Fn::Select' in fn) {
      const [index, list] = fn['Fn::Select'];
      const items = Array.isArray(list) ? list.map(resolve) : [];
      return items[Number(index)] ?? '';
    }
    const text = fn['Fn::Sub'];
    return text.replace(/\$\{([^}]+)\}/g, (_match, name: string) => {
      const [logicalId, attribute] = name.split('.');
      return attribute === undefined ? ref(name) : getAtt(logicalId ?? name, attribute);
    });
  };
  return resolve;
};

const IntrinsicSchema = z.union([
  z.strictObject({ Ref: z.string() }),
  z.strictObject({ 'Fn::GetAtt': z.tuple([z.string(), z.string()]) }),
  z.strictObject({ 'Fn::Join': z.tuple([z.string(), z.array(z.unknown())]) }),
  z.strictObject({ 'Fn::Select': z.tuple([z.union([z.number(), z.string()]), z.unknown()]) }),
  z.strictObject({ 'Fn::Sub': z.string() }),
]);
