import { KMS } from '@aws-sdk/client-kms';
import { cacheClients } from '@aws-crypto/client-node';
import { tracer } from '../observability/tracer';
import { clientOptionsFor, KMS_BUDGET } from '../wiring/aws-call-budget';

/**
 * The KMS clients of the Encryption SDK's keyrings: one per region, with the KMS call budget
 * (see aws-call-budget.ts) and an X-Ray subsegment per call when tracing is on.
 */
export const kmsClientProvider = cacheClients<KMS>((region: string) =>
  tracer.captureAWSv3Client(new KMS({ region, ...clientOptionsFor(KMS_BUDGET) })),
);
