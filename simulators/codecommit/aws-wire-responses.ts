import { randomUUID } from 'node:crypto';
import type { SimResponse } from '../kit/loopback-server';
import type { AwsServiceError } from './aws-service-error';

export const AWS_JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
export const STS_XML_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** Errors raised by AWS's request framework (Coral) rather than modelled by CodeCommit itself. */
const FRAMEWORK_ERRORS = new Set([
  'AccessDeniedException',
  'IncompleteSignatureException',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
  'SerializationException',
  'ThrottlingException',
  'UnknownOperationException',
  'UnrecognizedClientException',
]);

const escapeXml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

/** A 200 answer in the AWS JSON 1.1 protocol. */
export const awsJsonResponse = (output: unknown): SimResponse => ({
  status: 200,
  headers: { 'content-type': AWS_JSON_CONTENT_TYPE, 'x-amzn-requestid': randomUUID() },
  body: output,
});

/** An AWS JSON 1.1 error: `{"__type", "message"}` plus the `x-amzn-ErrorType` header the SDKs read first. */
export const awsJsonError = (error: AwsServiceError, extraHeaders: Readonly<Record<string, string>> = {}): SimResponse => {
  const errorType = FRAMEWORK_ERRORS.has(error.code)
    ? `${error.code}:http://internal.amazon.com/coral/com.amazon.coral.service/`
    : error.code;
  return {
    status: error.status,
    headers: { 'content-type': AWS_JSON_CONTENT_TYPE, 'x-amzn-requestid': randomUUID(), 'x-amzn-errortype': errorType, ...extraHeaders },
    body: error.message === '' ? { __type: error.code } : { __type: error.code, [error.messageKey]: error.message },
  };
};

/** What Coral answers to a request it cannot route to any protocol (no or foreign content type). */
export const unknownOperationXml = (): SimResponse => ({
  status: 404,
  headers: { 'content-type': 'application/xml', 'x-amzn-requestid': randomUUID() },
  body: '<UnknownOperationException/>\n',
});

/** STS's awsQuery answer: `<{Action}Response><{Action}Result>…` with a request id. */
export const stsXmlResponse = (action: string, result: Readonly<Record<string, string>>): SimResponse => {
  const requestId = randomUUID();
  const members = Object.entries(result)
    .map(([name, value]) => `    <${name}>${escapeXml(value)}</${name}>`)
    .join('\n');
  return {
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body:
      `<${action}Response xmlns="${STS_XML_NAMESPACE}">\n  <${action}Result>\n${members}\n  </${action}Result>\n` +
      `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</${action}Response>\n`,
  };
};

/** STS's awsQuery error document. */
export const stsXmlError = (error: AwsServiceError, extraHeaders: Readonly<Record<string, string>> = {}): SimResponse => {
  const requestId = randomUUID();
  return {
    status: error.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, ...extraHeaders },
    body:
      `<ErrorResponse xmlns="${STS_XML_NAMESPACE}">\n  <Error>\n    <Type>Sender</Type>\n    <Code>${escapeXml(error.code)}</Code>\n` +
      `    <Message>${escapeXml(error.message)}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`,
  };
};
