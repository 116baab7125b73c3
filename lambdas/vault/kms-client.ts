import { KMS } from '@aws-sdk/client-kms';
import { telemetry } from '../observability/telemetry';
import { tracer } from '../observability/tracer';
import { clientOptionsFor, KMS_BUDGET } from '../wiring/aws-call-budget';

const createKms = (region: string): KMS => {
  const kms = new KMS({ region, ...clientOptionsFor(KMS_BUDGET) });
  // The initialize step wraps the retries: this counts a call that failed for good, once.
  kms.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        telemetry.kmsCallFailed();
        throw error;
      }
    },
    { step: 'initialize', name: 'patgateKmsFailureCount' },
  );
  return tracer.captureAWSv3Client(kms);
};

const clients = new Map<string, KMS>();

/**
 * The vault's KMS client for a region, one per region and container: the KMS call budget (see
 * aws-call-budget.ts), a `KmsCallFailed` metric per failed call, and an X-Ray subsegment per call
 * when tracing is on.
 */
export const kmsClientFor = (region: string): KMS => {
  let client = clients.get(region);
  if (client === undefined) {
    client = createKms(region);
    clients.set(region, client);
  }
  return client;
};

/** The region of a KMS key ARN (`arn:aws:kms:<region>:<account>:key/<id>`). */
export const regionOfKey = (keyArn: string): string => {
  const region = keyArn.split(':')[3];
  if (!keyArn.startsWith('arn:') || !region) throw new Error('a KMS key must be given by its ARN');
  return region;
};
