import type { Template } from 'aws-cdk-lib/assertions';
import { functionId, resourcesOf } from './synth.ts';

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

export const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

const documentStatements = (document: unknown): Statement[] => {
  const statements = (document as { Statement?: Statement[] } | undefined)?.Statement;
  return statements ?? [];
};

/** Every Allow statement of every policy in the template: standalone, managed and inline. */
export const allPolicies = (
  template: Template,
): { id: string; roles: string[]; statements: Statement[] }[] => {
  const policies: { id: string; roles: string[]; statements: Statement[] }[] = [];
  for (const [id, resource] of Object.entries(resourcesOf(template))) {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      const roles = ((properties.Roles as { Ref: string }[] | undefined) ?? []).map((role) => role.Ref);
      policies.push({ id, roles, statements: documentStatements(properties.PolicyDocument) });
    }
    if (resource.Type === 'AWS::IAM::Role') {
      for (const inline of (properties.Policies as { PolicyDocument: unknown }[] | undefined) ?? []) {
        policies.push({ id, roles: [id], statements: documentStatements(inline.PolicyDocument) });
      }
    }
  }
  return policies.map((policy) => ({
    ...policy,
    statements: policy.statements.filter((statement) => statement.Effect === 'Allow'),
  }));
};

/** The role logical id of a function, by its stack name (`step`). */
export const roleOf = (template: Template, functionName: string): string => {
  const properties = resourcesOf(template)[functionId(template, functionName)]?.Properties;
  const role = properties?.Role as { 'Fn::GetAtt': [string, string] };
  return role['Fn::GetAtt'][0];
};

/** Every statement any policy attached to the role allows. */
export const statementsOfRole = (template: Template, roleId: string): Statement[] =>
  allPolicies(template)
    .filter((policy) => policy.roles.includes(roleId))
    .flatMap((policy) => policy.statements);

export const actionsOfRole = (template: Template, roleId: string): string[] =>
  statementsOfRole(template, roleId).flatMap(actionsOf);

/** Whether any statement of the role names the resource (its logical id appears in Resource). */
export const roleTouches = (template: Template, roleId: string, logicalId: string): boolean =>
  statementsOfRole(template, roleId).some((statement) =>
    JSON.stringify(statement.Resource).includes(logicalId),
  );
