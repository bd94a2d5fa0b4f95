import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface OperationsProps {
  /** Who is told when an alarm fires: each address gets an SNS email subscription to confirm. */
  operatorEmails: readonly string[];
}

export interface AlarmProps {
  metric: cloudwatch.IMetric;
  /** What it means and what to do: the text the operators' mail carries (docs/aws.md says more). */
  description: string;
  /** Fires when the metric is above this; 0 (any at all) by default. */
  threshold?: number;
}

/**
 * Where the deployment tells its operators that something went wrong: one SNS topic (encrypted
 * with a key of its own, TLS-only) that every alarm notifies. CloudWatch may not use the
 * AWS-managed `aws/sns` key, so the topic's key grants CloudWatch exactly what publishing needs.
 */
export class Operations extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: 'threadline: encrypts the alarm topic',
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'threadline alarms',
      masterKey: key,
      enforceSSL: true,
    });
    for (const email of props.operatorEmails) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
  }

  /** An alarm on one metric whose every state change to ALARM notifies the operators. */
  alarm(scope: Construct, id: string, props: AlarmProps): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(scope, id, {
      alarmDescription: props.description,
      metric: props.metric,
      threshold: props.threshold ?? 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
    return alarm;
  }

  /** Any message in a dead-letter queue is a trigger nobody has handled yet. */
  watchDeadLetters(queue: sqs.IQueue, description: string): cloudwatch.Alarm {
    return this.alarm(queue, 'DepthAlarm', {
      metric: queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      description,
    });
  }
}
