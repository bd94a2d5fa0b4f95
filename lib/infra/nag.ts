import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag 3 reports each wildcard of IAM5 as its own finding, named after the resource as it
 * reads in the template, intrinsics flattened (`<PayloadsBucket1715615A.Arn>/threads/*`). These
 * helpers name a resource the same way, so an acknowledgement covers exactly one wildcard and any
 * new one still fails synth.
 */
export const acknowledgeWildcardResource = (scope: IConstruct, resourceArn: string, reason: string): void =>
  Validations.of(scope).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${nagResourceName(scope, resourceArn)}]`,
    reason,
  });

/** X-Ray and log delivery calls take no resource ARN: `*` is the only resource they accept. */
export const acknowledgeServiceWideActions = (scope: IConstruct, actions: string): void =>
  acknowledgeWildcardResource(
    scope,
    '*',
    `${actions} do not support resource-level permissions; the statement lists those actions only.`,
  );

/** A resource ARN as cdk-nag prints it: the value resolved, then Ref and GetAtt written `<Id>` / `<Id.Attr>`. */
export const nagResourceName = (scope: IConstruct, value: string): string =>
  flatten(Stack.of(scope).resolve(value));

const flatten = (node: unknown): string => {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node !== 'object' || node === null) return JSON.stringify(node);
  if ('Fn::Join' in node && Array.isArray(node['Fn::Join'])) {
    const [delimiter, items] = node['Fn::Join'];
    return Array.isArray(items) ? items.map(flatten).join(String(delimiter)) : JSON.stringify(node);
  }
  if ('Fn::GetAtt' in node && Array.isArray(node['Fn::GetAtt'])) {
    const [resource, attribute] = node['Fn::GetAtt'];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if ('Ref' in node) return `<${flatten(node.Ref)}>`;
  return JSON.stringify(node);
};
