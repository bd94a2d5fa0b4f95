import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { type ResourceAccess, resourceVariable } from '../core/resources.ts';
import { grantAgentTable } from './grants.ts';
import type { ResourceSpec } from './tool-manifest.ts';

/**
 * The tables agents declare (`resources` in `lib/agents/<name>/index.ts`), one per declaration,
 * each named after its agent and resource (agent `shop`, resource `orders`: `ShopOrders`). A table belongs to no function until
 * `bind` gives it to one.
 */
export class AgentTables extends Construct {
  private readonly tables = new Map<string, dynamodb.TableV2>();

  constructor(scope: Construct, id: string, props: { resources: readonly ResourceSpec[] }) {
    super(scope, id);
    for (const { agent, name, resource } of props.resources) {
      const string = dynamodb.AttributeType.STRING;
      // TableV2: on-demand capacity unless told otherwise.
      const table = new dynamodb.TableV2(this, pascalCase(`${agent}-${name}`), {
        partitionKey: { name: resource.partitionKey, type: string },
        ...(resource.sortKey === undefined ? {} : { sortKey: { name: resource.sortKey, type: string } }),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: true,
      });
      this.tables.set(keyOf(agent, name), table);
    }
  }

  /**
   * Gives one function one table, in one call: the variable that names it, and the grant for the
   * access the tool declares (`read`: reads, queries and scans; `readWrite`: writes too). Nothing else.
   */
  bind(fn: lambda.Function & iam.IGrantable, agent: string, name: string, access: ResourceAccess): void {
    const table = this.tables.get(keyOf(agent, name));
    if (!table) throw new Error(`agent ${agent} declares no resource ${name}`);
    fn.addEnvironment(resourceVariable(agent, name, 'table'), table.tableName);
    grantAgentTable(table, fn, access);
  }
}

const keyOf = (agent: string, name: string): string => `${agent}/${name}`;

export const pascalCase = (name: string): string =>
  name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join('');
