/**
 * The production-like context of docs/deploying.md ("A production synth"), as `cdk synth -c ...`
 * passes it: the tests synthesize exactly this.
 */
export const PRODUCTION_CONTEXT: Readonly<Record<string, string>> = {
  production: 'true',
  environment: 'prod',
  domainName: 'patgate.example.com',
  certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
  forgeAppId: 'ari:cloud:ecosystem::app/8d1b4a52-43cb-4ac6-b6c4-0d1b7c8e2f10',
  forgeEnvironmentIds: 'f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f',
  alarmEmail: 'oncall@example.com',
  breakGlassRoleArn: 'arn:aws:iam::123456789012:role/patgate-break-glass',
  backupCopyVaultArn: 'arn:aws:backup:us-west-2:210987654321:backup-vault:patgate-copies',
};
