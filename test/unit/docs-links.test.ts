import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * The docs explain the repository to someone who has nothing else: every relative link in the
 * README and docs/ leads somewhere, and every repository path they cite in backticks exists.
 */
const ROOT = join(__dirname, '..', '..');
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const TOP = ['lambdas', 'lib', 'bin', 'test', 'local', 'simulators', 'jira-app', 'docs', '.ci'];
const CITED_PATH = new RegExp(`^(${TOP.map((t) => t.replace('.', '\\.')).join('|')})/[\\w./-]*$`);

const linksOf = (text: string): string[] =>
  [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '').filter((target) => !/^(https?:|mailto:|#)/.test(target));
const citedPathsOf = (text: string): string[] =>
  [...text.matchAll(/`([^`\s]+)`/g)].map((m) => (m[1] ?? '').replace(/[.,:;]$/, '').replace(/#.*$/, '')).filter((path) => CITED_PATH.test(path));

describe('the docs', () => {
  it.each(DOCS)('%s: every relative link exists', (doc) => {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    const missing = linksOf(text).filter((target) => !existsSync(join(ROOT, dirname(doc), decodeURIComponent(target.replace(/#.*$/, '')))));
    expect(missing).toEqual([]);
  });

  it.each(DOCS)('%s: every repository path it cites exists', (doc) => {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    const missing = citedPathsOf(text).filter((path) => !existsSync(join(ROOT, path)) && !(path.startsWith('jira-app/dist') || path.startsWith('cdk.out')));
    expect(missing).toEqual([]);
  });

  it('cite paths at all (so the checks above can fail)', () => {
    const cited = DOCS.flatMap((doc) => citedPathsOf(readFileSync(join(ROOT, doc), 'utf8')));
    expect(cited.length).toBeGreaterThan(50);
    expect(citedPathsOf('see `lambdas/nowhere/missing.ts` and `lib/api.ts`')).toEqual(['lambdas/nowhere/missing.ts', 'lib/api.ts']);
    expect(relative(ROOT, join(ROOT, 'docs'))).toBe('docs');
  });

  it('keep the README short enough to read in five minutes', () => {
    expect(readFileSync(join(ROOT, 'README.md')).length).toBeLessThan(15 * 1024);
  });
});
