import type { Construct } from 'constructs';

/**
 * The CDK feature flags this stack relies on. They are set on the stack itself rather than in
 * cdk.json, so `cdk synth` and the in-process synth of tests and the local stack build the
 * same template.
 */
export const FEATURE_FLAGS: Readonly<Record<string, boolean>> = {
  // Server access logs delivered under a bucket policy, not the legacy log-delivery ACL.
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
};

export const applyFeatureFlags = (scope: Construct): void => {
  for (const [flag, value] of Object.entries(FEATURE_FLAGS)) scope.node.setContext(flag, value);
};
