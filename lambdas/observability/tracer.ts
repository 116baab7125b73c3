import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * The process-wide X-Ray tracer. It is active only inside Lambda with POWERTOOLS_TRACE_ENABLED not
 * `false` (the stack sets it from its `tracing` context); elsewhere every capture is a no-op.
 */
export const tracer = new Tracer({ serviceName: 'patgate' });
