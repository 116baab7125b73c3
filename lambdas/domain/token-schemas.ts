import * as z from 'zod';
import { awsKeysCredentialSchema, tokenCredentialSchema } from './integration-schemas';

/**
 * PUT /api/me/tokens/{integrationId}. `expiresAt` is what the user read on the host's token page.
 * It is taken only where the host never tells a token's expiry (Azure DevOps, VSTS, TFS): the
 * host's own answer always wins.
 */
const statedExpiry = { expiresAt: z.iso.datetime({ offset: true }).optional() };
export const saveTokenSchema = z.union([tokenCredentialSchema.extend(statedExpiry), awsKeysCredentialSchema.extend(statedExpiry)]);
export type SaveTokenInput = z.infer<typeof saveTokenSchema>;
