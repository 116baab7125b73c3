import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { JiraExchange } from '../../simulators/jira/jira-simulator';

export interface JiraOperation {
  requestBody?: { content: { 'application/json': { schema: unknown } } };
  responses: Record<string, { content?: { 'application/json'?: { schema: unknown } } }>;
  'x-atlassian-oauth2-scopes'?: { scheme: string; scopes: string[]; state: string }[];
  'x-atlassian-connect-scope'?: string;
}

/** The pinned parts of Jira's platform OpenAPI (test/fixtures/jira-platform-openapi.json). */
export const jiraSpec = JSON.parse(readFileSync(join(__dirname, '../fixtures/jira-platform-openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, JiraOperation>>;
  components: unknown;
};

const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
ajv.addSchema({ components: jiraSpec.components }, 'jira');
const validator = (schema: unknown) => ajv.compile(JSON.parse(JSON.stringify(schema).replace(/"#\/components/g, '"jira#/components')) as object);

/**
 * What is wrong with one exchange against the published operation: an undeclared operation or
 * status, a request or response body its schema refuses. Empty when it conforms.
 */
export const contractProblems = (exchange: JiraExchange): string[] => {
  const operation = jiraSpec.paths[exchange.operation]?.[exchange.method.toLowerCase()];
  if (!operation) return [`${exchange.method} ${exchange.operation} is not a pinned operation`];
  const problems: string[] = [];
  const requestSchema = operation.requestBody?.content['application/json'].schema;
  if (requestSchema) {
    const check = validator(requestSchema);
    if (!check(exchange.requestBody)) problems.push(`request: ${ajv.errorsText(check.errors)}`);
  }
  const response = operation.responses[String(exchange.status)];
  if (!response) return [...problems, `status ${exchange.status} is not declared`];
  const responseSchema = response.content?.['application/json']?.schema;
  if (responseSchema) {
    const check = validator(responseSchema);
    if (!check(exchange.responseBody)) problems.push(`response ${exchange.status}: ${ajv.errorsText(check.errors)}`);
  }
  return problems;
};
