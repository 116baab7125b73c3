import { RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface OriginSecretProps {
  /** The secret version CloudFront sends (context `originSecretVersion`). @default the current version at deploy */
  readonly version?: string;
  /** The version the functions still accept during a rotation (context `originSecretPreviousVersion`). @default none */
  readonly previousVersion?: string;
}

/**
 * The shared secret between CloudFront and the functions that closes the origin bypass
 * (docs/architecture.md §4): the API's own host name is public DNS, so CloudFront sends this value
 * in a header (lib/front.ts) and the API functions refuse a request without it
 * (lambdas/http/origin-guard.ts). Secrets Manager generates the value; the template holds only
 * dynamic references (`{{resolve:secretsmanager:...}}`), resolved by CloudFormation at deploy time.
 * A dynamic reference is re-read only when its text changes, so a rotation names the version ids
 * in context (docs/operations.md, "Rotating the origin secret").
 */
export class OriginSecret extends Construct {
  public readonly secret: secretsmanager.Secret;
  /** What CloudFront sends. */
  public readonly headerValue: string;
  /** What the functions accept: the sent value and, during a rotation, the previous one (comma-separated). */
  public readonly acceptedValues: string;

  constructor(scope: Construct, id: string, props: OriginSecretProps = {}) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: 'patgate: the header value CloudFront sends to the API origin; the functions refuse requests without it',
      // Letters and digits only: the functions read the accepted values as a comma-separated list.
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      // Nothing depends on it outliving the stack: a new stack generates a new one for both sides.
      // No fixed name, so a stack recreated within the 30-day recovery window meets no name clash.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const versionOf = (versionId?: string): string => SecretValue.secretsManager(this.secret.secretArn, versionId ? { versionId } : {}).unsafeUnwrap();
    this.headerValue = versionOf(props.version);
    this.acceptedValues = props.previousVersion ? `${this.headerValue},${versionOf(props.previousVersion)}` : this.headerValue;
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotated by the operator (docs/operations.md, "Rotating the origin secret"): CloudFront\'s origin header is a deploy-time ' +
        'dynamic reference, so a Lambda rotation would leave CloudFront sending the old value; the rotation is put-secret-value then cdk deploy with both version ids.',
    });
  }
}
