import { CfnResource, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { IngressMessageInput } from '../adapters/ingress-message.ts';
import type { ScheduleConfig } from './config.ts';

export interface SchedulesProps {
  schedules: readonly ScheduleConfig[];
  /** The agents that exist: a schedule naming another fails synth. */
  agents: readonly string[];
  ingress: sqs.IQueue;
}

/** What a schedule enqueues at each firing; the scheduled time makes each firing its own thread. */
export const scheduledMessage = (schedule: ScheduleConfig): IngressMessageInput => {
  const firing = scheduler.ContextAttribute.scheduledTime;
  const name = schedule.name.replace(/[^\w-]/g, '-');
  return {
    kind: 'start',
    threadId: `sched-${name}-${firing}`,
    agent: schedule.agent,
    text: schedule.message,
    channel: 'schedule',
    key: `schedule:${name}:${firing}`,
  };
};

/**
 * EventBridge Scheduler schedules from the `schedules` context: each firing sends a `start`
 * message to the ingress queue, through a role that may only send to that queue.
 */
/** The metadata key that carries a schedule's configured name. */
export const SCHEDULE_METADATA = 'threadline:schedule';

export class Schedules extends Construct {
  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'threadline schedules: send start messages to the ingress queue',
    });
    for (const schedule of props.schedules) {
      if (!props.agents.includes(schedule.agent)) {
        throw new Error(
          `schedules: schedule ${schedule.name} names agent ${schedule.agent}; the agents are ${props.agents.join(', ')}`,
        );
      }
      const expression = /^(cron|rate|at)\(/.test(schedule.cron) ? schedule.cron : `cron(${schedule.cron})`;
      const created = new scheduler.Schedule(this, `Schedule-${schedule.name}`, {
        description: `threadline: start agent ${schedule.agent} (${schedule.name})`,
        schedule: scheduler.ScheduleExpression.expression(
          expression,
          schedule.timezone === undefined ? undefined : TimeZone.of(schedule.timezone),
        ),
        target: new targets.SqsSendMessage(props.ingress, {
          role,
          // One group per schedule: its firings stay in order, and FIFO requires a group.
          messageGroupId: `schedule-${schedule.name}`,
          input: scheduler.ScheduleTargetInput.fromObject(scheduledMessage(schedule)),
        }),
      });
      // The schedule has no physical name: the local stack finds it by the configured one.
      const resource = created.node.defaultChild;
      if (resource instanceof CfnResource) resource.addMetadata(SCHEDULE_METADATA, schedule.name);
    }
  }
}
