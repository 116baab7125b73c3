import { KMS } from '@aws-sdk/client-kms';
import { cacheClients } from '@aws-crypto/client-node';
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

/**
 * The KMS clients of the Encryption SDK's keyrings: one per region, with the KMS call budget
 * (see aws-call-budget.ts), a `KmsCallFailed` metric per failed call, and an X-Ray subsegment per
 * call when tracing is on.
 */
export const kmsClientProvider = cacheClients<KMS>(createKms);
