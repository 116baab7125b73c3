/**
 * What the pages use of `@forge/bridge`, taken file by file. The package's index pulls in every
 * bridge API plus iframe-resizer (~18 KB gzipped); build.ts points `@forge/bridge` here so each page
 * ships only these. The code still imports `@forge/bridge`, and type-checks against it.
 */
import { invokeRemote } from '../../../node_modules/@forge/bridge/out/invoke-endpoint/invoke-remote.js';
import { createHistory } from '../../../node_modules/@forge/bridge/out/view/createHistory.js';
import { getContext } from '../../../node_modules/@forge/bridge/out/view/getContext.js';
import { router } from '../../../node_modules/@forge/bridge/out/router/router.js';

export { invokeRemote, router };
export const view = { createHistory, getContext };
