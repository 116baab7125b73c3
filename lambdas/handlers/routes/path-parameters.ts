import * as z from 'zod';
import { integrationIdSchema } from '../../domain/integration-schemas';
import { issueKeySchema } from '../../domain/issue-key';

/** Path parameters as documented; a malformed `{integrationId}` is answered 404 like a missing one (lambdas/http/integration-id.ts). */
export const integrationPath = z.object({ integrationId: integrationIdSchema });
export const issuePath = z.object({ issueKey: issueKeySchema });
