import fc from 'fast-check';
import { branchNameProblem } from '../../lambdas/domain/branch-name';
import { renderBranchName, suggestBranchName, summarySlug } from '../../jira-app/src/panel/branch-name';

/** The issue panel's branch name suggestion: from key and summary, git-safe, at most 60 characters. */
describe('suggestBranchName', () => {
  it('joins the key and the summary in lower-case words', () => {
    expect(suggestBranchName('ABC-123', 'Fix login timeout')).toBe('ABC-123-fix-login-timeout');
    expect(suggestBranchName('DEMO-1', '  Crème brûlée: *broken*  on iOS 17.2!! ')).toBe('DEMO-1-creme-brulee-broken-on-ios-17-2');
    expect(suggestBranchName('DEMO-1', '')).toBe('DEMO-1');
    expect(suggestBranchName('DEMO-1', '日本語だけ')).toBe('DEMO-1');
  });

  it('cuts long summaries at a word boundary, within 60 characters', () => {
    const name = suggestBranchName('PROJ-4711', 'When the session expires during checkout the cart is emptied and the user loses everything');
    expect(name).toBe('PROJ-4711-when-the-session-expires-during-checkout-the-cart');
    expect(name.length).toBeLessThanOrEqual(60);
  });

  it('always answers a name git accepts, never longer than 60', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z][A-Z0-9]{0,9}-[1-9][0-9]{0,6}$/), fc.string({ maxLength: 200 }), (key, summary) => {
        const name = suggestBranchName(key, summary);
        expect(branchNameProblem(name)).toBeUndefined();
        expect(name.length).toBeLessThanOrEqual(60);
        expect(name.startsWith(key)).toBe(true);
      }),
    );
  });
});

/** The admin's template (issue 22 "Branch names as teams name them"): rendered, then held to the same git ref rules as a typed name. */
describe('renderBranchName', () => {
  const naming = { template: '{issueType}/{issueKey}-{summary}', issueTypePrefixes: { Bug: 'bugfix', Story: 'feature' } };

  it('maps the issue type to its prefix, or slugs an unmapped type; the summary is slugged and cut to 50 at a "-"', () => {
    expect(renderBranchName(naming, { issueKey: 'DEMO-1', issueType: 'Bug', summary: 'Fix login timeout' })).toBe('bugfix/DEMO-1-fix-login-timeout');
    expect(renderBranchName(naming, { issueKey: 'DEMO-1', issueType: 'Tech Debt', summary: 'Fix login' })).toBe('tech-debt/DEMO-1-fix-login');
    const long = renderBranchName(naming, { issueKey: 'DEMO-1', issueType: 'Story', summary: 'When the session expires during checkout the cart is emptied and the user loses everything' });
    expect(long).toBe('feature/DEMO-1-when-the-session-expires-during-checkout-the-cart');
    expect(summarySlug('When the session expires during checkout the cart is emptied').length).toBeLessThanOrEqual(50);
  });

  it('drops what git refuses: empty parts, leading "/" "." "-", "..", ".lock", spaces and ~^:?*[\\', () => {
    expect(renderBranchName({ template: '/{issueType}//{issueKey}..{summary}.lock/', issueTypePrefixes: {} }, { issueKey: 'DEMO-1', issueType: '', summary: 'x' })).toBe('DEMO-1.x');
    expect(renderBranchName({ template: 'team ~name^:?*[\\/{issueKey}', issueTypePrefixes: {} }, { issueKey: 'DEMO-1' })).toBe('team-name/DEMO-1');
    expect(renderBranchName({ template: '.hidden/-{issueKey}', issueTypePrefixes: { Bug: '.bad.' } }, { issueKey: 'DEMO-1' })).toBe('hidden/DEMO-1');
  });

  it('a template that renders to nothing usable falls back to the plain suggestion', () => {
    expect(renderBranchName({ template: '{issueType}', issueTypePrefixes: {} }, { issueKey: 'DEMO-1', summary: 'Fix it' })).toBe('DEMO-1-fix-it');
    expect(renderBranchName({ template: '@', issueTypePrefixes: {} }, { issueKey: 'DEMO-1' })).toBe('DEMO-1');
  });

  it('always answers a name git accepts, whatever the template, type and summary', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.dictionary(fc.string(), fc.string()), (template, issueType, summary, prefixes) => {
        const name = renderBranchName({ template, issueTypePrefixes: prefixes }, { issueKey: 'PROJ-42', issueType, summary });
        expect(branchNameProblem(name)).toBeUndefined();
      }),
    );
  });
});
