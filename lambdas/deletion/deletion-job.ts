import * as z from 'zod';
import { integrationIdSchema } from '../domain/integration-schemas';

/**
 * One deletion job, as it travels on the deletion queue (SQS in AWS, in-process locally). The
 * request path (uninstall, integration delete) does only the O(1) part: it deletes the record that
 * makes the tenant or the integration usable, writes a deletion marker naming `jobId`, and
 * enqueues the job. The worker (deletion-worker.ts) deletes the rest in bounded steps; when its
 * time budget runs out it enqueues the same job with its `phase` and `cursor`, so a crash or a
 * timeout re-delivers a message whose work is idempotent. A job whose marker is gone or names
 * another job is stale (finished, or superseded by a later uninstall) and is dropped.
 */
export const TENANT_PHASES = ['users', 'audit', 'idempotency', 'tenant', 'verify'] as const;
export const INTEGRATION_PHASES = ['items', 'facts', 'tokens', 'verify'] as const;

export type TenantPhase = (typeof TENANT_PHASES)[number];
export type IntegrationPhase = (typeof INTEGRATION_PHASES)[number];

const common = {
  jobId: z.string().regex(/^[0-9a-f]{32}$/),
  tenant: z.string().min(1).max(300),
  /** Where the current phase stopped: the sort key of the last item handled. */
  cursor: z.string().max(1200).optional(),
  /** Items deleted so far (for the final log and metric). */
  deleted: z.number().int().min(0),
  /** When the job was created (epoch ms). */
  startedAt: z.number().int().min(0),
};

const tenantJobSchema = z.object({
  kind: z.literal('tenant'),
  ...common,
  /**
   * Pass 1 runs at once; pass 2 (the "second sweep") no earlier than `notBefore`, when no API
   * container still trusts a cached copy of the deleted tenant, and ends with the verification.
   */
  pass: z.union([z.literal(1), z.literal(2)]),
  phase: z.enum(TENANT_PHASES),
  notBefore: z.number().int().min(0),
}).strict();

const integrationJobSchema = z.object({
  kind: z.literal('integration'),
  ...common,
  integrationId: integrationIdSchema,
  phase: z.enum(INTEGRATION_PHASES),
}).strict();

export const deletionJobSchema = z.discriminatedUnion('kind', [tenantJobSchema, integrationJobSchema]);

export type TenantDeletionJob = z.infer<typeof tenantJobSchema>;
export type IntegrationDeletionJob = z.infer<typeof integrationJobSchema>;
export type DeletionJob = z.infer<typeof deletionJobSchema>;

/** Parses a queue message body; throws on anything that is not a job (a poison message goes to the DLQ). */
export const parseDeletionJob = (body: string): DeletionJob => deletionJobSchema.parse(JSON.parse(body));

/** The next step of a job after an invocation: enqueue it again (after `delaySeconds`), or nothing left. */
export type DeletionOutcome =
  | { readonly done: true; readonly job: DeletionJob }
  | { readonly done: false; readonly next: DeletionJob; readonly delaySeconds: number };

/** SQS's longest message delay. */
export const MAX_DELAY_SECONDS = 900;
