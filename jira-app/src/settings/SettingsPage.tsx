import { useCallback, useEffect, useRef, useState, type JSX } from 'react';
import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import { Cancelled } from '../api/client';
import { focusedIntegrationId } from '../api/context';
import { me, type MyIntegrationView, type SaveTokenBody } from '../api/patgate';
import { KIND_LABELS, pullRequestWord, STATES_EXPIRY } from '../common/kinds';
import { accessKeyIdRule, check, expiryDateRule, expiryDateToIso, secretAccessKeyRule, tokenRule, type Errors } from '../common/rules';
import { TOKEN_STATUS_WORDS } from '../common/token-status';
import { Busy, daysUntil, formatDate, Page, PageHeader, placeProblem, ProblemMessage, problemOf, ResultMessage, space, TextInput, tk, useFocusRequest } from '../common/ui';

/** Personal settings: the user's own token per integration (status, hint, login, expiry; save, replace, remove). */
export const SettingsPage = (): JSX.Element => {
  const [items, setItems] = useState<MyIntegrationView[]>();
  const [loadProblem, setLoadProblem] = useState<string>();
  const [focus, setFocus] = useState<string>();

  const load = useCallback(async () => {
    try {
      setItems(await me.integrations());
      setLoadProblem(undefined);
    } catch (error) {
      setLoadProblem(problemOf(error).detail);
    }
  }, []);

  useEffect(() => {
    void load();
    void focusedIntegrationId().then(setFocus);
  }, [load]);

  const replace = (next: MyIntegrationView): void => setItems((current) => current?.map((i) => (i.integrationId === next.integrationId ? next : i)));

  return (
    <Page>
      <PageHeader title="Git personal access tokens">
        Your own tokens for the git hosts your Jira admin connected. When an admin requires them, branches and pull requests you create from Jira are made
        with your token, so the host records you as the author. Tokens are checked with the host, stored encrypted and never shown again.
      </PageHeader>
      <ProblemMessage title="Your integrations could not be loaded" messages={loadProblem ? [loadProblem] : []} />
      {!items && !loadProblem ? <Spinner label="Loading your integrations" /> : null}
      {items?.length === 0 ? <p>No git integrations are set up yet. Ask your Jira admin to add one in Manage Git repositories.</p> : null}
      {items?.map((item) => <IntegrationCard key={item.integrationId} item={item} focused={focus === item.integrationId} onChanged={replace} onReload={load} />)}
    </Page>
  );
};

const statusText = (item: MyIntegrationView): string => {
  if (!item.patSupported) return 'not supported';
  if (item.status === 'expiring') {
    // The API's whole days left (the same count as its warning); computed here only from an older API.
    const days = item.expiresInDays ?? (item.expiresAt ? daysUntil(item.expiresAt) : undefined);
    if (days === undefined) return item.status;
    return days === 0 ? 'expiring within a day' : `expiring in ${days} day${days === 1 ? '' : 's'}`;
  }
  return TOKEN_STATUS_WORDS[item.status].word;
};

interface CardProps {
  readonly item: MyIntegrationView;
  readonly focused: boolean;
  readonly onChanged: (item: MyIntegrationView) => void;
  readonly onReload: () => Promise<void>;
}

const IntegrationCard = ({ item, focused, onChanged, onReload }: CardProps): JSX.Element => {
  const id = item.integrationId;
  const ref = useRef<HTMLElement>(null);
  const keys = item.provider === 'codecommit';
  const fields = keys ? ['accessKeyId', 'secretAccessKey', 'expiresAt'] : ['token', 'expiresAt'];
  const [values, setValues] = useState<Record<string, string>>({ token: '', accessKeyId: '', secretAccessKey: '', expiresAt: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState<AbortController>();
  const [confirmRemove, setConfirmRemove] = useState(false);
  const focusOn = useFocusRequest();
  const noticeId = `notice-${id}`;
  const problemId = `problem-${id}`;

  useEffect(() => {
    if (focused && ref.current) {
      ref.current.scrollIntoView({ block: 'start' });
      ref.current.focus();
    }
  }, [focused]);

  const set = (field: string) => (value: string) => setValues((v) => ({ ...v, [field]: value }));
  const clearSecrets = (): void => setValues({ token: '', accessKeyId: '', secretAccessKey: '', expiresAt: '' });
  const hasToken = item.status !== 'missing';
  // A token the host still accepts stays when the field is left empty: only a new one replaces it.
  const keepsToken = item.status === 'valid' || item.status === 'expiring';
  const tokenField = keys ? 'accessKeyId' : 'token';
  const inputIdOf = (field: string): string => `${field}-${id}`;
  const tell = (message: string): void => {
    setNotice(message);
    focusOn(noticeId);
  };
  const refuse = (fieldErrors: Errors, messages: string[]): void => {
    setErrors(fieldErrors);
    setGeneral(messages);
    const first = fields.find((f) => fieldErrors[f]);
    focusOn(first ? inputIdOf(first) : problemId);
  };

  const save = async (): Promise<void> => {
    setNotice(undefined);
    setGeneral([]);
    const empty = keys ? !values.accessKeyId && !values.secretAccessKey : !values.token;
    if (keepsToken && empty) {
      setErrors({});
      tell(`Nothing to save: your token for ${item.name} stays as it is. Paste a new one to replace it.`);
      return;
    }
    const found = check(
      keys
        ? [
            ['accessKeyId', values.accessKeyId ?? '', accessKeyIdRule],
            ['secretAccessKey', values.secretAccessKey ?? '', secretAccessKeyRule],
          ]
        : [
            ['token', values.token ?? '', tokenRule],
            ['expiresAt', values.expiresAt ?? '', expiryDateRule(new Date())],
          ],
    );
    if (Object.keys(found).length) {
      refuse(found, []);
      return;
    }
    setErrors({});
    const expiresAt = expiryDateToIso(values.expiresAt ?? '');
    const body: SaveTokenBody = keys
      ? { accessKeyId: values.accessKeyId ?? '', secretAccessKey: values.secretAccessKey ?? '' }
      : { token: values.token ?? '', ...(expiresAt ? { expiresAt } : {}) };
    const controller = new AbortController();
    setBusy(controller);
    try {
      const saved = await me.saveToken(id, body, { signal: controller.signal });
      clearSecrets();
      onChanged(saved);
      const expiry = saved.expiresAt ? `, expires ${formatDate(saved.expiresAt)}` : '';
      tell(`Saved: your token ending ${saved.hint ?? '…'} for ${item.name}. ${item.name} knows it as ${saved.providerLogin ?? 'you'}${expiry}.`);
    } catch (error) {
      if (error instanceof Cancelled) {
        clearSecrets();
        tell('Cancelled. If the host answered in the meantime, the status above shows it.');
        void onReload();
      } else {
        const placed = placeProblem(problemOf(error), fields, tokenField);
        refuse(placed.fields, placed.general);
      }
    } finally {
      setBusy(undefined);
    }
  };

  const remove = async (): Promise<void> => {
    setConfirmRemove(false);
    setNotice(undefined);
    setGeneral([]);
    try {
      await me.removeToken(id);
      tell('Your token was removed from patgate. Revoke it on the host too if you no longer use it.');
      await onReload();
    } catch (error) {
      refuse({}, [problemOf(error).detail]);
    }
  };

  const headingId = `integration-${id}-name`;
  return (
    <section
      ref={ref}
      tabIndex={-1}
      aria-labelledby={headingId}
      data-testid={`integration-${id}`}
      data-focused={focused ? 'true' : undefined}
      style={{
        border: `${focused ? 2 : 1}px solid ${focused ? tk('color.border.focused') : tk('color.border')}`,
        borderRadius: 8,
        padding: space('300'),
        marginBlockEnd: space('300'),
        outline: 'none',
      }}
    >
      <h2 id={headingId} style={{ font: tk('font.heading.medium') }}>
        {item.name}
      </h2>
      <p style={{ color: tk('color.text.subtle') }}>{KIND_LABELS[item.provider]}</p>
      <p data-testid={`status-${id}`} style={{ marginBlockStart: space('100') }}>
        <Lozenge appearance={item.patSupported ? TOKEN_STATUS_WORDS[item.status].appearance : 'default'}>{statusText(item)}</Lozenge>
        {item.providerLogin ? <span>{` · ${item.providerLogin}`}</span> : null}
      </p>
      {item.patSupported ? <p style={{ marginBlockStart: space('100') }}>{requirementText(item)}</p> : null}
      {hasToken ? (
        <dl data-testid={`details-${id}`} style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', alignItems: 'baseline', gap: `${space('050')} ${space('200')}`, margin: 0, marginBlockStart: space('150') }}>
          {/* The css reset gives dt/dd block margins of their own: zero both, so each term sits on its value's line. */}
          <dt style={DT}>Token</dt>
          <dd style={DD} data-testid={`hint-${id}`}>{item.hint ? (item.provider === 'codecommit' ? item.hint : `ending ${item.hint}`) : '—'}</dd>
          <dt style={DT}>Host login</dt>
          <dd style={DD}>{item.providerLogin ?? '—'}</dd>
          <dt style={DT}>Expires</dt>
          <dd style={DD}>{item.expiresAt ? formatDate(item.expiresAt) : 'no expiry known'}</dd>
          <dt style={DT}>Saved</dt>
          <dd style={DD}>{formatDate(item.savedAt)}</dd>
        </dl>
      ) : null}
      {item.warning && item.patSupported ? (
        <div style={{ marginBlockStart: space('150') }} data-testid={`warning-${id}`}>
          <SectionMessage appearance="warning" title="Your token expires soon">
            <p>{item.warning}</p>
          </SectionMessage>
        </div>
      ) : null}
      {(item.status === 'expired' || item.status === 'invalid') && item.patSupported ? (
        <div style={{ marginBlockStart: space('150') }}>
          <SectionMessage appearance="warning" title={TOKEN_STATUS_WORDS[item.status].title?.(item.name)}>
            <p>Create a new token on the host with New token, then paste it below.</p>
          </SectionMessage>
        </div>
      ) : null}
      {!item.patSupported ? (
        <div style={{ marginBlockStart: space('150') }}>
          <SectionMessage appearance="warning" title="Personal access tokens are not supported here">
            <p>
              TFS 2013 and 2015 have no personal access tokens, so none can be saved for this integration. While your Jira admin requires them, branch and
              pull-request actions on it are unavailable.
            </p>
          </SectionMessage>
        </div>
      ) : (
        <form
          noValidate
          aria-label={`${hasToken ? 'Replace' : 'Enter'} your token for ${item.name}`}
          onSubmit={(event) => {
            event.preventDefault();
            if (!busy) void save();
          }}
        >
          {keys ? (
            <>
              <TextInput id={`accessKeyId-${id}`} label="Access key id" type="password" value={values.accessKeyId ?? ''} onChange={set('accessKeyId')} error={errors.accessKeyId} required={!keepsToken} disabled={Boolean(busy)} />
              <TextInput id={`secretAccessKey-${id}`} label="Secret access key" type="password" value={values.secretAccessKey ?? ''} onChange={set('secretAccessKey')} error={errors.secretAccessKey} required={!keepsToken} disabled={Boolean(busy)} />
            </>
          ) : (
            <TextInput
              id={`token-${id}`}
              label={hasToken ? 'New personal access token' : 'Personal access token'}
              type="password"
              value={values.token ?? ''}
              onChange={set('token')}
              error={errors.token}
              required={!keepsToken}
              disabled={Boolean(busy)}
              helper={
                keepsToken
                  ? 'Optional: your saved token stays unless you paste a new one. patgate checks a new token with the host before keeping it.'
                  : 'Paste the token the host showed you. patgate checks it with the host before keeping it.'
              }
            />
          )}
          {STATES_EXPIRY.includes(item.provider) ? (
            <TextInput
              id={`expiresAt-${id}`}
              label="Expires on (optional)"
              type="date"
              value={values.expiresAt ?? ''}
              onChange={set('expiresAt')}
              error={errors.expiresAt}
              disabled={Boolean(busy)}
              helper="This host never tells apps when a token expires: enter the date its token page showed, and patgate reminds you before."
            />
          ) : null}
          <div style={{ display: 'flex', gap: space('100'), alignItems: 'center', flexWrap: 'wrap', marginBlockStart: space('200') }}>
            <Button type="submit" appearance="primary" isDisabled={Boolean(busy)}>
              {hasToken ? 'Replace token' : 'Save token'}
            </Button>
            <a href={item.newTokenUrl} target="_blank" rel="noopener noreferrer" data-testid={`new-token-${id}`} aria-label={`New token on ${KIND_LABELS[item.provider]} (opens in a new tab)`}>
              New token
            </a>
            {hasToken && !confirmRemove ? (
              <Button appearance="subtle" onClick={() => setConfirmRemove(true)} isDisabled={Boolean(busy)}>
                Remove
              </Button>
            ) : null}
          </div>
          {confirmRemove ? (
            <div role="group" aria-label="Confirm removal" style={{ display: 'flex', gap: space('100'), alignItems: 'center', marginBlockStart: space('150') }}>
              <span>Remove your token for {item.name}?</span>
              <Button appearance="danger" onClick={() => void remove()}>
                Remove token
              </Button>
              <Button appearance="subtle" onClick={() => setConfirmRemove(false)}>
                Keep it
              </Button>
            </div>
          ) : null}
          {busy ? <Busy label={`Checking the token with ${item.name}…`} onCancel={() => busy.abort()} /> : null}
        </form>
      )}
      <ProblemMessage title="Not saved" messages={general} testId={problemId} id={problemId} />
      {notice ? (
        <ResultMessage id={noticeId} testId={noticeId}>
          <p>{notice}</p>
        </ResultMessage>
      ) : null}
    </section>
  );
};

const requirementText = (item: MyIntegrationView): string => {
  const on = item.repositoryOverrides.filter((o) => o.requireUserPat).map((o) => o.repositoryId);
  const off = item.repositoryOverrides.filter((o) => !o.requireUserPat).map((o) => o.repositoryId);
  const base = item.requireUserPat
    ? `Your Jira admin requires your own token for branch and ${pullRequestWord(item.provider).replace(' ', '-')} actions here.`
    : "Optional here: without your token, actions use the integration's service account.";
  return [base, on.length ? `Required on ${on.join(', ')}.` : '', off.length ? `Not required on ${off.join(', ')}.` : ''].filter(Boolean).join(' ');
};

const DT = { color: tk('color.text.subtle'), margin: 0, padding: 0 } as const;
const DD = { margin: 0, padding: 0 } as const;
