import { existsSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * Local runs only (never bundled: esbuild resolves `import` statements with the `import` condition).
 * `@middy/core` 7 and its `@middy/util` export only the `import` condition, and tsx runs this
 * CommonJS project's TypeScript through `require`, which does not match it (tsx issue #239). Import
 * this module first in an entry point run by tsx: it resolves exactly those two bare specifiers to
 * their entry files, which tsx then loads like any other ES module. Jest does the same with its
 * `moduleNameMapper` (jest.config.js).
 */
const ESM_ONLY = ['@middy/core', '@middy/util'];

const lookupPaths = createRequire(__filename).resolve.paths('@middy/core') ?? [];
const entries = new Map<string, string>();
for (const name of ESM_ONLY) {
  const dir = lookupPaths.map((nodeModules) => join(nodeModules, name)).find((candidate) => existsSync(join(candidate, 'package.json')));
  if (dir) entries.set(name, join(dir, 'index.js'));
}

type ResolveFilename = (this: unknown, request: string, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: ResolveFilename };
const resolveFilename = loader._resolveFilename;
loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
  return entries.get(request) ?? resolveFilename.call(this, request, ...rest);
};
