import { App } from 'aws-cdk-lib';
import { readPatgateSettings } from '../../lib/patgate-settings';

const settingsFrom = (context: Record<string, unknown>) => readPatgateSettings(new App({ context }).node);

describe('deployment settings from CDK context', () => {
  it('defaults to a development deployment: no CORS, the API as base URL, no domain, no tracing', () => {
    expect(settingsFrom({})).toEqual({
      production: false,
      environmentName: undefined,
      appBaseUrl: undefined,
      allowedOrigin: undefined,
      appKey: 'patgate',
      tracing: false,
      domainName: undefined,
      certificateArn: undefined,
      forgeEnvironmentIds: undefined,
      alarmTopicArn: undefined,
      alarmEmail: undefined,
      notifyEmail: undefined,
      breakGlassRoleArn: undefined,
      backupCopyVaultArn: undefined,
      gitActionReservedConcurrency: undefined,
      apiRateLimit: 50,
      apiBurstLimit: 100,
    });
  });

  it('reads the operator e-mail and the stage throttle', () => {
    expect(settingsFrom({ notifyEmail: 'ops@example.com', apiRateLimit: '120', apiBurstLimit: 240 })).toMatchObject({
      notifyEmail: 'ops@example.com',
      apiRateLimit: 120,
      apiBurstLimit: 240,
    });
  });

  it.each([
    [{ notifyEmail: 'not-an-address' }, /notifyEmail must be an e-mail address/],
    [{ apiRateLimit: '0' }, /apiRateLimit must be a whole number/],
    [{ apiRateLimit: '12.5' }, /apiRateLimit must be a whole number/],
    [{ apiBurstLimit: 'lots' }, /apiBurstLimit must be a whole number/],
    [{ apiRateLimit: '200', apiBurstLimit: '100' }, /apiBurstLimit must be at least apiRateLimit/],
  ])('refuses %j', (context, message) => {
    expect(() => settingsFrom(context)).toThrow(message);
  });

  it('reads the values a deploy passes with -c', () => {
    const settings = settingsFrom({
      appBaseUrl: 'https://patgate.example.com/',
      allowedOrigin: 'https://patgate-app.example.com',
      tracing: 'true',
      appKey: 'com.example.patgate',
      alarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:alarms',
    });
    expect(settings).toMatchObject({
      appBaseUrl: 'https://patgate.example.com',
      allowedOrigin: 'https://patgate-app.example.com',
      tracing: true,
      appKey: 'com.example.patgate',
      alarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:alarms',
    });
  });

  it.each(['*', 'https://*.atlassian.net', 'http://patgate.example.com', 'https://patgate.example.com/app', 'patgate.example.com'])(
    'refuses %s as the CORS origin',
    (origin) => {
      expect(() => settingsFrom({ allowedOrigin: origin })).toThrow(/allowedOrigin must be one https origin/);
    },
  );

  it('refuses a non-https base URL', () => {
    expect(() => settingsFrom({ appBaseUrl: 'http://patgate.example.com' })).toThrow(/appBaseUrl must be an https URL/);
  });

  it('reads the production keys: environment, domain, Forge environment ids, subscribers, break-glass role', () => {
    expect(
      settingsFrom({
        environment: 'staging',
        domainName: 'Patgate.Example.com',
        certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123',
        forgeEnvironmentIds: ' f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f , 11111111-2222-3333-4444-555555555555 ',
        alarmEmail: 'oncall@example.com',
        breakGlassRoleArn: 'arn:aws:iam::123456789012:role/ops/patgate-break-glass',
        gitActionReservedConcurrency: '40',
      }),
    ).toMatchObject({
      environmentName: 'staging',
      domainName: 'patgate.example.com',
      forgeEnvironmentIds: ['f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f', '11111111-2222-3333-4444-555555555555'],
      alarmEmail: 'oncall@example.com',
      gitActionReservedConcurrency: 40,
    });
  });

  it.each([
    [{ environment: 'Prod!' }, /context environment must be a short lower-case name/],
    [{ domainName: 'patgate.example.com' }, /domainName and certificateArn go together/],
    [{ domainName: 'https://patgate.example.com', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/x' }, /domainName must be a host name/],
    [{ domainName: 'patgate.example.com', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/x' }, /certificateArn must be an ACM certificate ARN in us-east-1/],
    [{ forgeEnvironmentIds: 'abc,def ghi' }, /"def ghi" is not a Forge environment id/],
    [{ alarmEmail: 'pager' }, /alarmEmail must be an e-mail address/],
    [{ alarmTopicArn: 'arn:aws:sqs:us-east-1:123456789012:q' }, /alarmTopicArn must be an SNS topic ARN/],
    [{ breakGlassRoleArn: 'arn:aws:iam::123456789012:user/admin' }, /breakGlassRoleArn must be an IAM role ARN/],
    [{ production: 'true' }, /production synth \(production=true\) needs context: domainName and certificateArn .*forgeEnvironmentIds .*alarmEmail or alarmTopicArn .*breakGlassRoleArn/],
  ])('refuses %j', (context, message) => {
    expect(() => settingsFrom(context)).toThrow(message);
  });
});
