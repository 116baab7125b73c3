import fc from 'fast-check';
import { branchNameProblem } from '../../lambdas/domain/branch-name';
import { suggestBranchName } from '../../jira-app/src/panel/branch-name';

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
