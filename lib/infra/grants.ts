import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { THREAD_TABLE } from '../adapters/thread-table.ts';
import { MAIL_PREFIX, THREAD_PAYLOAD_PREFIX } from './environment.ts';
import type { LoopReference } from './loop-reference.ts';

// Hand-picked actions where the L2 grants would add wildcards (`s3:GetObject*`, `s3:List*`):
// each function gets the object calls its adapter makes, on the prefix it uses.

const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const TABLE_WRITE = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

/**
 * The threads table: items by key for every function, and the listing indexes (each named, no
 * `index/*`) only for those that list threads. Unlike `grantReadWriteData`, a function that
 * never lists gets no index access and no Scan.
 */
export const grantThreadTable = (
  table: dynamodb.ITableV2,
  grantee: iam.IGrantable,
  access: { write: boolean; listing: boolean },
) => {
  iam.Grant.addToPrincipal({
    grantee,
    actions: access.write ? [...TABLE_READ, ...TABLE_WRITE] : TABLE_READ,
    resourceArns: [table.tableArn],
  });
  if (access.listing) {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: Object.keys(THREAD_TABLE.indexes).map((index) => `${table.tableArn}/index/${index}`),
    });
  }
};

/**
 * A table an agent declared, for one tool's function: items by key, queries and scans to read
 * (a tool lists what it keeps), and item writes for `readWrite`. No table management, no streams.
 */
export const grantAgentTable = (
  table: dynamodb.ITableV2,
  grantee: iam.IGrantable,
  access: 'read' | 'readWrite',
) =>
  iam.Grant.addToPrincipal({
    grantee,
    actions:
      access === 'readWrite'
        ? [...TABLE_READ, 'dynamodb:Scan', ...TABLE_WRITE]
        : [...TABLE_READ, 'dynamodb:Scan'],
    resourceArns: [table.tableArn],
  });

/** Offloaded event bodies: read to load a thread, write to append a large event. */
export const grantThreadPayloads = (
  bucket: s3.IBucket,
  grantee: iam.IGrantable,
  access: 'read' | 'readWrite',
) =>
  iam.Grant.addToPrincipal({
    grantee,
    actions: access === 'read' ? ['s3:GetObject'] : ['s3:GetObject', 's3:PutObject'],
    resourceArns: [bucket.arnForObjects(`${THREAD_PAYLOAD_PREFIX}*`)],
  });

/** Raw mail SES stored: read-only, and only under its prefix. */
export const grantInboundMailRead = (bucket: s3.IBucket, grantee: iam.IGrantable) =>
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['s3:GetObject'],
    resourceArns: [bucket.arnForObjects(`${MAIL_PREFIX}*`)],
  });

/** SES authorizes a send against the identity it is sent from: the address, or its verified domain. */
export const grantSendEmail = (grantee: iam.IGrantable & IConstruct, senderEmail: string) => {
  const stack = Stack.of(grantee);
  const domain = senderEmail.slice(senderEmail.lastIndexOf('@') + 1);
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['ses:SendEmail'],
    resourceArns: [senderEmail, domain].map((identity) =>
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
    ),
  });
};

/** Geographic and global cross-region inference profiles prefix the model id they route to. */
const INFERENCE_PROFILE = /^(us|eu|apac|us-gov|global|jp|au|ca)\.(.+)$/;

/** True when the model id names a cross-region inference profile, whose model may run in any region. */
export const isInferenceProfile = (modelId: string): boolean => INFERENCE_PROFILE.test(modelId);

/**
 * `bedrock:InvokeModel` (what Converse needs) on exactly the configured model: the foundation
 * model in this region, or the inference profile plus the model it routes to in the regions it
 * routes to (which AWS decides, hence the region wildcard on that one ARN).
 */
export const grantInvokeModel = (grantee: iam.IGrantable & IConstruct, modelId: string) => {
  const stack = Stack.of(grantee);
  const profile = INFERENCE_PROFILE.exec(modelId);
  const foundationModel = (region: string, id: string): string =>
    stack.formatArn({
      service: 'bedrock',
      region,
      account: '',
      resource: 'foundation-model',
      resourceName: id,
    });
  const resourceArns = profile
    ? [
        stack.formatArn({ service: 'bedrock', resource: 'inference-profile', resourceName: modelId }),
        foundationModel('*', profile[2] ?? modelId),
      ]
    : [foundationModel(stack.region, modelId)];
  return iam.Grant.addToPrincipal({ grantee, actions: ['bedrock:InvokeModel'], resourceArns });
};

export type LoopAccess = 'start' | 'respond' | 'stop';

/**
 * Step Functions calls on the agent loop: start a turn, answer a waiting task (the token names the
 * execution; IAM checks the state machine), or find and stop a thread's running turns.
 */
export const grantLoop = (grantee: iam.IGrantable, loop: LoopReference, access: readonly LoopAccess[]) => {
  const onMachine: string[] = [];
  if (access.includes('start')) onMachine.push('states:StartExecution');
  if (access.includes('respond')) onMachine.push('states:SendTaskSuccess', 'states:SendTaskFailure');
  if (access.includes('stop')) onMachine.push('states:ListExecutions');
  iam.Grant.addToPrincipal({ grantee, actions: onMachine, resourceArns: [loop.arn] });
  if (access.includes('stop')) {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['states:StopExecution'],
      resourceArns: [loop.executionsArn],
    });
  }
};
