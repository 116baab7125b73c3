import { Duration, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ORIGIN_VERIFY_HEADER } from '../lambdas/http/origin-guard';
import { FORGE_EGRESS_IPV4, FORGE_EGRESS_IPV6 } from './forge-egress-ranges';

export interface FrontProps {
  /** The public host name (the Forge manifest's remote baseUrl). */
  readonly domainName: string;
  /** ACM certificate in us-east-1 for `domainName`. */
  readonly certificateArn: string;
  /** The API's own custom domain, CloudFront's origin. */
  readonly originDomainName: string;
  /**
   * The origin-verify header's value (lib/origin-secret.ts, a deploy-time dynamic reference):
   * CloudFront adds it to every request it forwards.
   */
  readonly originVerifyValue: string;
}

/** Bodies above this are refused before any Lambda runs (no request patgate serves comes near it). */
export const MAX_BODY_BYTES = 64 * 1024;

/** Requests per 5 minutes one address outside Forge's ranges may make (health checks, the OpenAPI page). */
export const OTHERS_RATE_PER_5_MINUTES = 300;

/** Paths only Forge calls: the pages' API calls (Forge Remote) and the lifecycle events. */
export const FORGE_ONLY_PATH_PREFIXES = ['/api/', '/lifecycle/'] as const;

/**
 * The allow-list in front of the HTTP API (docs/architecture.md §4): a CloudFront distribution on the
 * public host name with a WAF web ACL. HTTP APIs cannot take a WAF association or a resource policy
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-vs-rest.html), and moving to
 * a REST API would change every handler's event format; so WAF sits on CloudFront, which must be in
 * us-east-1 with its certificate. The ACL refuses, in order: bodies over 64 KB, calls to `/api/*`
 * and `/lifecycle/*` from outside Atlassian's published Forge egress ranges (lib/forge-egress-ranges.ts),
 * and more than 300 requests per 5 minutes from any one other address.
 */
export class Front extends Construct {
  public readonly distribution: cloudfront.Distribution;
  public readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: FrontProps) {
    super(scope, id);
    this.webAcl = this.createWebAcl();
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'patgate: the public host name Forge calls',
      domainNames: [props.domainName],
      certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // Forge calls from a few AWS Regions; North America and Europe edges cover them at the lowest price class.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      webAclId: this.webAcl.attrArn,
      defaultBehavior: {
        origin: new origins.HttpOrigin(props.originDomainName, {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
          // Under the API's 30 s integration limit plus its own answer.
          readTimeout: Duration.seconds(30),
          // The API's host name is public: the functions refuse requests without this header
          // (lambdas/http/origin-guard.ts), AWS's documented way to stop callers bypassing CloudFront
          // (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/add-origin-custom-headers.html, "Controlling access to content").
          customHeaders: { [ORIGIN_VERIFY_HEADER]: props.originVerifyValue },
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        // Nothing is cached; with caching disabled the all-viewer policy forwards the Authorization
        // header (the FIT) and the query string (https://repost.aws/knowledge-center/cloudfront-authorization-header).
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
    });
    acknowledgeFindings(this.distribution);
  }

  private createWebAcl(): wafv2.CfnWebACL {
    const ipv4 = new wafv2.CfnIPSet(this, 'ForgeEgressIpv4', {
      scope: 'CLOUDFRONT',
      ipAddressVersion: 'IPV4',
      addresses: [...FORGE_EGRESS_IPV4],
      description: 'Atlassian Forge egress ranges, lib/forge-egress-ranges.ts',
    });
    const ipv6 = new wafv2.CfnIPSet(this, 'ForgeEgressIpv6', {
      scope: 'CLOUDFRONT',
      ipAddressVersion: 'IPV6',
      addresses: [...FORGE_EGRESS_IPV6],
      description: 'Atlassian Forge egress ranges, lib/forge-egress-ranges.ts',
    });
    const fromForge: wafv2.CfnWebACL.StatementProperty = {
      orStatement: { statements: [{ ipSetReferenceStatement: { arn: ipv4.attrArn } }, { ipSetReferenceStatement: { arn: ipv6.attrArn } }] },
    };
    const forgeOnlyPath: wafv2.CfnWebACL.StatementProperty = {
      orStatement: {
        statements: FORGE_ONLY_PATH_PREFIXES.map((prefix) => ({
          byteMatchStatement: {
            fieldToMatch: { uriPath: {} },
            positionalConstraint: 'STARTS_WITH',
            searchString: prefix,
            // `//api/x` and `/./api/x` reach the same route: match the normalised path.
            textTransformations: [{ priority: 0, type: 'NORMALIZE_PATH' }],
          },
        })),
      },
    };
    return new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      description: 'patgate: body size, Forge-only paths, per-address rate',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('patgate-front'),
      // WAF reads at most this much of a body; anything longer counts as oversize and matches below.
      associationConfig: { requestBody: { CLOUDFRONT: { defaultSizeInspectionLimit: 'KB_64' } } },
      rules: [
        {
          name: 'BodyOver64KB',
          priority: 0,
          action: { block: {} },
          visibilityConfig: visibility('patgate-body-over-64kb'),
          statement: {
            sizeConstraintStatement: {
              fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
              comparisonOperator: 'GT',
              size: MAX_BODY_BYTES,
              textTransformations: [{ priority: 0, type: 'NONE' }],
            },
          },
        },
        {
          name: 'ForgeOnlyPathsFromForge',
          priority: 1,
          action: { block: {} },
          visibilityConfig: visibility('patgate-not-forge'),
          statement: { andStatement: { statements: [forgeOnlyPath, { notStatement: { statement: fromForge } }] } },
        },
        {
          name: 'RatePerOtherAddress',
          priority: 2,
          action: { block: {} },
          visibilityConfig: visibility('patgate-rate-per-address'),
          statement: {
            rateBasedStatement: {
              limit: OTHERS_RATE_PER_5_MINUTES,
              aggregateKeyType: 'IP',
              // Forge's addresses are shared by every tenant: the per-route throttles cap them instead.
              scopeDownStatement: { notStatement: { statement: fromForge } },
            },
          },
        },
      ],
    });
  }
}

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  metricName,
  cloudWatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
});

const acknowledgeFindings = (distribution: cloudfront.Distribution): void => {
  Validations.of(distribution).acknowledge({
    id: 'AwsSolutions-CFR1',
    reason: 'No geo restriction: Atlassian\'s Forge calls from AWS Regions on several continents; the WAF allow-list of its egress ranges is the narrower control.',
  });
  Validations.of(distribution).acknowledge({
    id: 'AwsSolutions-CFR3',
    reason: 'No CloudFront access-log bucket: every request that passes is logged by the HTTP API\'s JSON access logs, and WAF keeps sampled blocked requests and per-rule metrics.',
  });
};
