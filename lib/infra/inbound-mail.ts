import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as actions from 'aws-cdk-lib/aws-ses-actions';
import { Construct } from 'constructs';
import { MAIL_PREFIX } from './environment.ts';

export interface InboundMailProps {
  /** Mail to any address at this domain is received (its MX record must point at SES). */
  domain: string;
  bucket: s3.IBucket;
  handler: lambda.IFunction;
}

/**
 * SES receiving for the inbound domain: store the raw mail under `mail/` first (the Lambda action
 * carries headers but no body), then hand the notification to the inbound-email function
 * asynchronously. SES may only write under `mail/`, and only for this account (bucket policy with
 * `aws:SourceAccount`, added by the S3 action).
 *
 * A region has one active receipt rule set, and activating one replaces the other: this stack
 * creates the rule set but leaves activation to a person
 * (`aws ses set-active-receipt-rule-set --rule-set-name <name>`).
 */
export class InboundMail extends Construct {
  readonly ruleSet: ses.ReceiptRuleSet;

  constructor(scope: Construct, id: string, props: InboundMailProps) {
    super(scope, id);
    this.ruleSet = new ses.ReceiptRuleSet(this, 'RuleSet');
    this.ruleSet.addRule('Receive', {
      recipients: [props.domain],
      scanEnabled: true,
      tlsPolicy: ses.TlsPolicy.REQUIRE,
      actions: [
        new actions.S3({ bucket: props.bucket, objectKeyPrefix: MAIL_PREFIX }),
        new actions.Lambda({ function: props.handler, invocationType: actions.LambdaInvocationType.EVENT }),
      ],
    });
  }
}
