/**
 * A runtime-provided SDK package (`@aws-sdk/*`) loaded with a dynamic `import()`. The functions'
 * bundle requires those CommonJS packages (lib/lambda-bundle.ts), and a chunk made of a `require`
 * only has a default export: `import('@aws-sdk/client-sqs')` then answers `{ default: exports }`,
 * where Node.js, tsx and Jest answer the exports themselves. This answers the exports either way.
 */
export const runtimePackage = async <T extends object>(loading: Promise<T>): Promise<T> => {
  const loaded = await loading;
  return (loaded as { default?: T }).default ?? loaded;
};
