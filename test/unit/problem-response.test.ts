import { AppError, ERROR_STATUS, type ErrorCode } from '../../lambdas/domain/errors';
import { problemResponse } from '../../lambdas/http/problem-response';

describe('problem+json bodies', () => {
  it.each(Object.keys(ERROR_STATUS) as ErrorCode[])('%s: type about:blank, the status phrase as title, the stable code', (code) => {
    const response = problemResponse(new AppError(code, 'What happened.'), 'corr-1', '/api/x');
    const body = JSON.parse(response.body) as Record<string, unknown>;
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(body).toMatchObject({ type: 'about:blank', status: ERROR_STATUS[code], code, detail: 'What happened.', instance: '/api/x', correlationId: 'corr-1' });
    expect(body.title).toEqual(expect.any(String));
    expect(body.title).not.toBe('');
    // No link to a page nobody serves.
    expect(response.body).not.toMatch(/https?:\/\//);
  });

  it('titles follow RFC 9457 §4.2.1: the recommended phrase of the status', () => {
    const title = (code: ErrorCode): unknown => (JSON.parse(problemResponse(new AppError(code, 'x'), 'c').body) as { title: unknown }).title;
    expect(title('PAT_REQUIRED')).toBe('Precondition Required');
    expect(title('UNSUPPORTED_MEDIA_TYPE')).toBe('Unsupported Media Type');
    expect(title('JIRA_UNAVAILABLE')).toBe('Service Unavailable');
    expect(title('INTERNAL')).toBe('Internal Server Error');
  });

  it('an unexpected error says nothing of its cause', () => {
    const body = JSON.parse(problemResponse(new Error('db password is hunter2'), 'c').body) as Record<string, unknown>;
    expect(body).toMatchObject({ type: 'about:blank', status: 500, code: 'INTERNAL', title: 'Internal Server Error' });
    expect(JSON.stringify(body)).not.toContain('hunter2');
  });
});
