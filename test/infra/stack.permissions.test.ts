import { describe, expect, it } from 'vitest';
import { actionsOf, actionsOfRole, allPolicies, roleOf, roleTouches, statementsOfRole } from './iam.ts';
import { FULL_CONTEXT, functionId, resourcesOf, synthesize } from './synth.ts';

const { template } = synthesize(FULL_CONTEXT);
const resources = resourcesOf(template);
const idStartingWith = (type: string, prefix: string): string => {
  const id = Object.keys(resources).find((key) => resources[key]?.Type === type && key.startsWith(prefix));
  if (!id) throw new Error(`no ${type} ${prefix}`);
  return id;
};
const paymentLinksTable = idStartingWith('AWS::DynamoDB::GlobalTable', 'FunctionsAgentTablesBillingLedger');
const roles = Object.keys(resources).filter((id) => resources[id]?.Type === 'AWS::IAM::Role');

describe('every IAM policy', () => {
  it('names specific actions: no * and no service:Prefix* wildcard', () => {
    const wildcards = allPolicies(template).flatMap((policy) =>
      policy.statements
        .flatMap(actionsOf)
        .filter((action) => action.includes('*'))
        .map((action) => `${policy.id}: ${action}`),
    );
    expect(wildcards).toEqual([]);
  });

  it('allows a * resource only for X-Ray and log delivery, which take no resource', () => {
    const serviceWide =
      /^(xray:|logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)$)/;
    const offenders = allPolicies(template).flatMap((policy) =>
      policy.statements
        .filter((statement) => statement.Resource === '*')
        .flatMap(actionsOf)
        .filter((action) => !serviceWide.test(action))
        .map((action) => `${policy.id}: ${action}`),
    );
    expect(offenders).toEqual([]);
  });
});

describe('the billing agent’s ledger table', () => {
  it('is reachable by the create_payment_link tool’s role and no other', () => {
    const touching = roles.filter((role) => roleTouches(template, role, paymentLinksTable));
    expect(touching).toEqual([roleOf(template, 'tool-create_payment_link')]);
  });

  it('is read and written item by item and scanned, and nothing more', () => {
    const role = roleOf(template, 'tool-create_payment_link');
    const onLedger = statementsOfRole(template, role).filter((statement) =>
      JSON.stringify(statement.Resource).includes(paymentLinksTable),
    );
    expect(onLedger.flatMap(actionsOf).sort()).toEqual(
      [
        'dynamodb:BatchGetItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:ConditionCheckItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:Scan',
        'dynamodb:UpdateItem',
      ].sort(),
    );
  });
});

describe('the lookup_customer tool', () => {
  const role = roleOf(template, 'tool-lookup_customer');

  it('gets neither the model nor the payment links', () => {
    expect(actionsOfRole(template, role).filter((action) => action.startsWith('bedrock:'))).toEqual([]);
    expect(roleTouches(template, role, paymentLinksTable)).toBe(false);
  });

  it('gets its thread and offloaded payloads, no listing index, no Step Functions, no queue', () => {
    const actions = actionsOfRole(template, role);
    expect(actions.filter((action) => !/^(dynamodb|s3|logs|xray):/.test(action))).toEqual([]);
    expect(JSON.stringify(statementsOfRole(template, role))).not.toContain('/index/');
  });
});

describe('the model', () => {
  it('is invoked by the step function alone, on the configured model only', () => {
    const invoking = roles.filter((role) =>
      actionsOfRole(template, role).some((action) => action.startsWith('bedrock:')),
    );
    expect(invoking).toEqual([roleOf(template, 'step')]);
    const statement = statementsOfRole(template, roleOf(template, 'step')).find((candidate) =>
      actionsOf(candidate).includes('bedrock:InvokeModel'),
    );
    expect(statement).toMatchObject({ Action: 'bedrock:InvokeModel' });
    expect(JSON.stringify(statement?.Resource)).toContain(
      ':foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0',
    );
  });
});

describe('the other functions', () => {
  const actions = (name: string) => new Set(actionsOfRole(template, roleOf(template, name)));

  it('give the ingress queue’s send to the API, inbound mail and redrive, and its receive to ingest only', () => {
    const queue = idStartingWith('AWS::SQS::Queue', 'IngressQueue');
    const reach = (action: string) =>
      roles.filter((role) =>
        statementsOfRole(template, role).some(
          (statement) =>
            actionsOf(statement).includes(action) && JSON.stringify(statement.Resource).includes(queue),
        ),
      );
    expect(reach('sqs:SendMessage').sort()).toEqual(
      [
        roleOf(template, 'api'),
        roleOf(template, 'inbound-email'),
        roleOf(template, 'redrive'),
        idStartingWith('AWS::IAM::Role', 'SchedulesRole'),
      ].sort(),
    );
    expect(reach('sqs:ReceiveMessage')).toEqual([roleOf(template, 'ingest')]);
  });

  it('let the schedules only send to the ingress queue', () => {
    const schedulesRole = idStartingWith('AWS::IAM::Role', 'SchedulesRole');
    const queue = idStartingWith('AWS::SQS::Queue', 'IngressQueue');
    expect(statementsOfRole(template, schedulesRole)).toEqual([
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queue, 'Arn'] } },
    ]);
  });

  it('let only the loop’s starters start it, and only the API stop it', () => {
    const turnRole = idStartingWith('AWS::IAM::Role', 'AgentLoopStateMachineRole');
    const starters = roles.filter((role) => actionsOfRole(template, role).includes('states:StartExecution'));
    expect(starters.filter((role) => role !== turnRole).sort()).toEqual(
      ['ingest', 'start-child', 'notify', 'on-failure'].map((name) => roleOf(template, name)).sort(),
    );
    expect([...actions('api')].filter((action) => action.startsWith('states:')).sort()).toEqual([
      'states:ListExecutions',
      'states:SendTaskFailure',
      'states:SendTaskSuccess',
      'states:StopExecution',
    ]);
  });

  it('send email only from the configured sender identity', () => {
    const senders = roles.filter((role) => actionsOfRole(template, role).includes('ses:SendEmail'));
    expect(senders.sort()).toEqual(
      ['await-human', 'expire', 'notify', 'on-failure'].map((name) => roleOf(template, name)).sort(),
    );
    const resourcesText = JSON.stringify(
      statementsOfRole(template, roleOf(template, 'await-human')).find((statement) =>
        actionsOf(statement).includes('ses:SendEmail'),
      )?.Resource,
    );
    expect(resourcesText).toContain(':identity/agent@example.com');
    expect(resourcesText).toContain(':identity/example.com');
  });

  it('let inbound mail read only the mail/ prefix, and nothing write there', () => {
    const inbound = statementsOfRole(template, roleOf(template, 'inbound-email'));
    const s3 = inbound.filter((statement) => actionsOf(statement).some((action) => action.startsWith('s3:')));
    expect(
      s3.map((statement) => [statement.Action, JSON.stringify(statement.Resource).endsWith('"/mail/*"]]}')]),
    ).toEqual([['s3:GetObject', true]]);
  });

  it('let each state machine invoke exactly its own functions: the gated tool only from the turn', () => {
    const invokedBy = (roleId: string) =>
      statementsOfRole(template, roleId)
        .filter((statement) => actionsOf(statement).includes('lambda:InvokeFunction'))
        .flatMap((statement) =>
          Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource],
        )
        .map((resource) => JSON.stringify(resource).match(/"(Functions\w+)"/)?.[1]);
    const ids = (names: string[]) => names.map((name) => functionId(template, name)).sort();
    const turnRole = idStartingWith('AWS::IAM::Role', 'AgentLoopStateMachineRole');
    const iterationsRole = idStartingWith('AWS::IAM::Role', 'AgentLoopIterationsStateMachineRole');
    expect([...new Set(invokedBy(turnRole))].sort()).toEqual(
      ids(['await-human', 'expire', 'start-child', 'notify', 'on-failure', 'tool-create_payment_link']),
    );
    expect([...new Set(invokedBy(iterationsRole))].sort()).toEqual(ids(['step', 'tool-lookup_customer']));
  });

  it('let the turn start, watch and stop only the iterations’ executions, through the managed rule', () => {
    const turnRole = idStartingWith('AWS::IAM::Role', 'AgentLoopStateMachineRole');
    const iterations = idStartingWith('AWS::StepFunctions::StateMachine', 'AgentLoopIterationsStateMachine');
    const statements = statementsOfRole(template, turnRole).filter((statement) =>
      actionsOf(statement).some((action) => /^(states|events):/.test(action)),
    );
    expect(statements.map((statement) => actionsOf(statement))).toEqual([
      ['states:StartExecution'],
      ['states:DescribeExecution', 'states:StopExecution'],
      ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
    ]);
    expect(statements[0]?.Resource).toEqual({ Ref: iterations });
    const executions = JSON.stringify(statements[1]?.Resource);
    expect(executions).toContain(':execution:');
    expect(executions).toContain(iterations);
    expect(JSON.stringify(statements[2]?.Resource)).toContain(
      ':rule/StepFunctionsGetEventsForStepFunctionsExecutionRule',
    );
    const iterationsRole = idStartingWith('AWS::IAM::Role', 'AgentLoopIterationsStateMachineRole');
    expect(actionsOfRole(template, iterationsRole).filter((action) => action.startsWith('states:'))).toEqual(
      [],
    );
  });
});
