import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface ThreadApiProps {
  handler: lambda.IFunction;
  /** Serves `POST /operations/redrive`, signed with SigV4 like the thread routes. */
  redrive: lambda.IFunction;
  logRetention: logs.RetentionDays;
}

/**
 * The REST API in front of the api function. Thread routes are signed with SigV4 (AWS_IAM): the
 * callers are the team's services and CLI. Approval routes carry no authorizer because the
 * people who open them have no AWS credentials: each link is HMAC-signed, expires, is
 * single-use, and only a POST decides (the app checks all of it). Bodies over the app's limit
 * are refused by the app with 413; API Gateway only checks that JSON bodies are objects.
 */
export class ThreadApi extends Construct {
  readonly api: apigateway.RestApi;
  /** Where approval links point: `<url>approvals/<id>`. */
  readonly approvalsUrl: string;

  constructor(scope: Construct, id: string, props: ThreadApiProps) {
    super(scope, id);
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.api = new apigateway.RestApi(this, 'Api', {
      description: 'threadline: threads and approvals',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      // API Gateway writes any CloudWatch log through one role per account and region.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: 'v1',
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        // Errors only, and never request bodies: they hold thread text and approval decisions.
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        tracingEnabled: true,
        metricsEnabled: true,
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
      },
    });
    const validator = new apigateway.RequestValidator(this, 'Validator', {
      restApi: this.api,
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const jsonObject = new apigateway.Model(this, 'JsonObject', {
      restApi: this.api,
      contentType: 'application/json',
      description: 'Any JSON object; the app validates its fields.',
      schema: { schema: apigateway.JsonSchemaVersion.DRAFT4, type: apigateway.JsonSchemaType.OBJECT },
    });
    const integration = new apigateway.LambdaIntegration(props.handler, {
      proxy: true,
      allowTestInvoke: false,
    });
    const signed = { authorizationType: apigateway.AuthorizationType.IAM, requestValidator: validator };
    const withId = { ...signed, requestParameters: { 'method.request.path.id': true } };
    const withBody = { requestModels: { 'application/json': jsonObject } };

    const threads = this.api.root.addResource('threads');
    threads.addMethod('GET', integration, signed);
    threads.addMethod('POST', integration, { ...signed, ...withBody });
    const thread = threads.addResource('{id}');
    thread.addMethod('GET', integration, withId);
    thread.addResource('messages').addMethod('POST', integration, { ...withId, ...withBody });
    for (const action of ['pause', 'resume', 'cancel']) {
      thread.addResource(action).addMethod('POST', integration, withId);
    }

    const operations = this.api.root.addResource('operations');
    operations
      .addResource('redrive')
      .addMethod(
        'POST',
        new apigateway.LambdaIntegration(props.redrive, { proxy: true, allowTestInvoke: false }),
        signed,
      );
    Validations.of(operations).acknowledge({
      id: 'AwsSolutions-COG4',
      reason:
        'Operations routes use AWS_IAM (SigV4): the callers are the team’s operators with AWS credentials.',
    });

    const approval = this.api.root.addResource('approvals').addResource('{id}');
    const open = {
      authorizationType: apigateway.AuthorizationType.NONE,
      requestValidator: validator,
      requestParameters: { 'method.request.path.id': true },
    };
    // GET shows the decision page, POST decides (a form post, so no JSON model).
    approval.addMethod('GET', integration, open);
    approval.addMethod('POST', integration, open);
    Validations.of(approval).acknowledge(
      {
        id: 'AwsSolutions-APIG4',
        reason:
          'Approval links are opened by people without AWS credentials; each link is HMAC-signed, expires and is single-use, and the app verifies that before showing or deciding.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason:
          'Approvers are identified by the signed link (and SES sender checks for replies), not a Cognito pool.',
      },
    );
    Validations.of(threads).acknowledge({
      id: 'AwsSolutions-COG4',
      reason:
        'Thread routes use AWS_IAM (SigV4): the callers are the team’s services and CLI with AWS credentials.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'No WAF web ACL by default: thread routes need SigV4, approval routes need a signed link, and the stage is throttled. Attach a web ACL per deployment if the API faces abusive traffic.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'The account-level role API Gateway writes access and execution logs with: AWS’s managed policy for exactly that, attached to a role only API Gateway can assume.',
    });
    this.approvalsUrl = this.api.urlForPath('/approvals/');
  }
}
