import type { KMS } from '@aws-sdk/client-kms';
import { telemetry } from '../observability/telemetry';
import { tracer } from '../observability/tracer';
import { clientOptionsFor, KMS_BUDGET } from '../wiring/aws-call-budget';
import { runtimePackage } from '../wiring/runtime-package';

const createKms = async (region: string): Promise<KMS> => {
  // Loaded on the first KMS call, not at import: most first requests of a cold container (lists,
  // readiness, a warm decrypt cache) never call KMS, and the SDK client costs about a tenth of the import.
  const { KMS } = await runtimePackage(import('@aws-sdk/client-kms'));
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

const clients = new Map<string, Promise<KMS>>();

/**
 * The vault's KMS client for a region, one per region and container: the KMS call budget (see
 * aws-call-budget.ts), a `KmsCallFailed` metric per failed call, and an X-Ray subsegment per call
 * when tracing is on.
 */
export const kmsClientFor = (region: string): Promise<KMS> => {
  let client = clients.get(region);
  if (client === undefined) {
    client = createKms(region);
    clients.set(region, client);
    // A failed load is not kept: the next call loads again.
    client.catch(() => clients.delete(region));
  }
  return client;
};

/** The region of a KMS key ARN (`arn:aws:kms:<region>:<account>:key/<id>`). */
export const regionOfKey = (keyArn: string): string => {
  const region = keyArn.split(':')[3];
  if (!keyArn.startsWith('arn:') || !region) throw new Error('a KMS key must be given by its ARN');
  return region;
};
