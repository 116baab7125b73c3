import { BrowserStack, open } from '../browser/stack';

/** Issue 13: opening an issue costs at most this many API calls before the user acts. */
export const PANEL_CALLS_BUDGET = 1;

export interface PanelCallsRow {
  readonly state: string;
  readonly calls: readonly string[];
}

export interface PanelCalls {
  readonly rows: readonly PanelCallsRow[];
  readonly table: string;
  /** States whose opening went over the budget, as failure lines. */
  readonly violations: readonly string[];
}

/** After the page shows its state, how long to go on listening for late requests. */
const SETTLE_MS = 1500;

/**
 * Counts the requests to /api/ that real Chromium sends while DEMO-1 opens in the simulated Jira page
 * (the built panel, the real API over DynamoDB Local, the GitHub simulator): once with no token
 * (setup required) and once with the user's token saved (ready to pick a repository). Needs the
 * pages built (the page-bundles phase builds them) and PATGATE_TEST_DYNAMODB_ENDPOINT.
 */
export const measurePanelCalls = async (): Promise<PanelCalls> => {
  const stack = await BrowserStack.start();
  try {
    const id = await stack.createIntegration('github', 'GitHub (acme)', true);
    const openDemo1 = async (state: string, shown: string): Promise<PanelCallsRow> => {
      const { context, page } = await stack.signIn('demo-user');
      const calls: string[] = [];
      page.on('request', (request) => {
        const url = new URL(request.url());
        if (url.pathname.startsWith('/api/')) calls.push(`${request.method()} ${url.pathname}`);
      });
      const frame = await open(page, stack, '/browse/DEMO-1');
      await frame.locator(shown).first().waitFor({ timeout: 30_000 });
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      await context.close();
      return { state, calls };
    };
    const setup = await openDemo1('setup required (no token)', '[data-testid="setup-required"]');
    const saved = await stack.harness.call('PUT', `/api/me/tokens/${id}`, { as: { site: stack.site, accountId: 'demo-user' }, body: stack.world('github').userToken('bench-user').body });
    if (saved.status !== 200) throw new Error(`saving the bench user's token answered ${saved.status}`);
    const ready = await openDemo1('token saved (pick a repository)', '#repository');
    const rows = [setup, ready];
    const lines = rows.map((r) => `| ${r.state} | ${r.calls.length} | ${r.calls.join(', ') || '—'} |`);
    return {
      rows,
      table: `### Issue panel: API calls when DEMO-1 opens (real Chromium; target ${PANEL_CALLS_BUDGET})\n\n| state | calls | requests |\n|---|---:|---|\n${lines.join('\n')}\n`,
      violations: rows.filter((r) => r.calls.length > PANEL_CALLS_BUDGET).map((r) => `the panel made ${r.calls.length} API calls on open (${r.state}), over the budget of ${PANEL_CALLS_BUDGET}`),
    };
  } finally {
    await stack.stop();
  }
};
