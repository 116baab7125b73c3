/** The all-zero object id: as `oldObjectId` it creates a ref, as `newObjectId` it deletes one. */
export const ZERO_OBJECT_ID = '0000000000000000000000000000000000000000';

export const branchRefName = (branch: string): string => `refs/heads/${branch}`;

export const isObjectId = (value: unknown): value is string => typeof value === 'string' && /^[0-9a-fA-F]{40}$/.test(value);
