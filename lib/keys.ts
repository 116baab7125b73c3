import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface KeysProps {
  /** Prefix of the two aliases (`alias/<prefix>/credentials`, `alias/<prefix>/tenant`). @default 'patgate' */
  readonly aliasPrefix?: string;
  /** Days a deleted key waits before it is gone. @default 30 */
  readonly pendingWindowDays?: number;
}

/**
 * The two envelope keys of docs/architecture.md §6. Separate keys so that "who may decrypt a PAT" and "who may
 * decrypt a tenant's shared secret" are two different grants, not one key with two audiences.
 */
export class Keys extends Construct {
  /** PATs and service credentials. Only git-action and token-expiry may decrypt with it. */
  public readonly credentials: kms.Key;
  /** Tenants' Atlassian shared secrets. Every API function may decrypt with it. */
  public readonly tenant: kms.Key;

  constructor(scope: Construct, id: string, props: KeysProps = {}) {
    super(scope, id);
    const prefix = props.aliasPrefix ?? 'patgate';
    const pendingWindow = Duration.days(props.pendingWindowDays ?? 30);
    this.credentials = new kms.Key(this, 'CredentialsKey', {
      description: 'patgate: envelope key of users\' personal access tokens and service credentials',
      alias: `alias/${prefix}/credentials`,
      enableKeyRotation: true,
      pendingWindow,
      // Losing the key loses every stored token: never delete it with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.tenant = new kms.Key(this, 'TenantKey', {
      description: 'patgate: envelope key of Jira tenants\' shared secrets',
      alias: `alias/${prefix}/tenant`,
      enableKeyRotation: true,
      pendingWindow,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * Defence in depth beside the IAM policies: the credentials key's own policy denies
   * `kms:Decrypt` to every principal but these roles, so a later over-broad IAM grant
   * (an admin's `kms:*`, a copied policy) still cannot read a PAT.
   */
  public restrictCredentialsDecryptTo(roles: readonly iam.IRole[]): void {
    restrictDecrypt(this.credentials, roles);
  }

  /** The same guard on the tenant key, for the API functions that verify Jira's JWTs. */
  public restrictTenantDecryptTo(roles: readonly iam.IRole[]): void {
    restrictDecrypt(this.tenant, roles);
  }
}

const restrictDecrypt = (key: kms.Key, roles: readonly iam.IRole[]): void => {
  if (roles.length === 0) throw new Error('restricting decrypt needs at least one role');
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyDecryptToAllButItsFunctions',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': roles.map((role) => role.roleArn) } },
    }),
  );
};
