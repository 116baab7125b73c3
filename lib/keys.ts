import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface KeysProps {
  /** Prefix of the alias (`alias/<prefix>/credentials`). @default 'patgate' */
  readonly aliasPrefix?: string;
  /** Days a deleted key waits before it is gone. @default 30 */
  readonly pendingWindowDays?: number;
  /**
   * The only role, besides CloudFormation's deploy role, that may change the key's policy, create
   * grants or replicate it. @default none: only the deploy role
   */
  readonly breakGlassRoleArn?: string;
}

/**
 * Changing who may use the key, each denied to every principal but the deploy role and the
 * break-glass role: a key policy or grant is how an administrator with `kms:*` would give
 * themselves Decrypt, and a replica is a copy of the key under a policy of its own.
 */
export const KEY_ADMINISTRATION_ACTIONS = ['kms:PutKeyPolicy', 'kms:CreateGrant', 'kms:ReplicateKey', 'kms:UpdatePrimaryRegion'] as const;

/**
 * The envelope key of docs/architecture.md §6: PATs and service credentials. A multi-Region primary
 * key (decided before the first deploy, since a key can never become multi-Region later): a replica
 * in a recovery Region can then read the table's Backup copies there (docs/deploying.md, Recovery).
 * No replica is created here; creating one is a break-glass action.
 */
export class Keys extends Construct {
  /** PATs and service credentials. Only git-action and token-expiry may decrypt with it. */
  public readonly credentials: kms.Key;
  private readonly breakGlassRoleArn?: string;

  constructor(scope: Construct, id: string, props: KeysProps = {}) {
    super(scope, id);
    const prefix = props.aliasPrefix ?? 'patgate';
    this.breakGlassRoleArn = props.breakGlassRoleArn;
    this.credentials = new kms.Key(this, 'CredentialsKey', {
      description: 'patgate: envelope key of users\' personal access tokens and service credentials',
      alias: `alias/${prefix}/credentials`,
      enableKeyRotation: true,
      multiRegion: true,
      pendingWindow: Duration.days(props.pendingWindowDays ?? 30),
      // Losing the key loses every stored token: never delete it with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.guardAdministration(this.credentials);
  }

  /**
   * Defence in depth beside the IAM policies: the credentials key's own policy denies
   * `kms:Decrypt` to every principal but these roles (their ARNs), so a later over-broad IAM grant
   * (an admin's `kms:*`, a copied policy) still cannot read a PAT.
   */
  public restrictCredentialsDecryptTo(roleArns: readonly string[]): void {
    if (roleArns.length === 0) throw new Error('restricting decrypt needs at least one role');
    this.credentials.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyDecryptToAllButItsFunctions',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': [...roleArns] } },
      }),
    );
  }

  /** The roles allowed to administer the key: CloudFormation's deploy role and the break-glass role. */
  public administratorArnPatterns(): string[] {
    const stack = Stack.of(this);
    // The CDK bootstrap's CloudFormation execution role (`cdk-<qualifier>-cfn-exec-role-<account>-<region>`):
    // it writes this very policy, and KMS refuses a policy that locks its writer out.
    const deployRole = `arn:${stack.partition}:iam::${stack.account}:role/cdk-*-cfn-exec-role-${stack.account}-*`;
    return this.breakGlassRoleArn ? [deployRole, this.breakGlassRoleArn] : [deployRole];
  }

  private guardAdministration(key: kms.Key): void {
    // Nobody re-wraps a PAT's data key: ReEncryptFrom would let a principal with kms:* move a
    // ciphertext under a key they own without ever being allowed Decrypt here.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyReEncrypt',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:ReEncrypt*'],
        resources: ['*'],
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyKeyAdministrationToAllButDeployAndBreakGlass',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: [...KEY_ADMINISTRATION_ACTIONS],
        resources: ['*'],
        conditions: { ArnNotLike: { 'aws:PrincipalArn': this.administratorArnPatterns() } },
      }),
    );
  }
}
