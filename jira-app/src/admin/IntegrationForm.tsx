import { useEffect, useState, type JSX } from 'react';
import Button from '@atlaskit/button/new';
import { Checkbox } from '@atlaskit/checkbox';
import { HelperMessage, Label } from '@atlaskit/form';
import SectionMessage from '@atlaskit/section-message';
import Select from '@atlaskit/select';
import { ApiProblem, Cancelled } from '../api/client';
import { admin, ifMatchOf, type JiraProject, type CreateIntegrationBody, type Credential, type IntegrationView, type PatchIntegrationBody, type ProviderKind, type TfsVersion } from '../api/patgate';
import { BASE_URL_EXAMPLES, credentialKindFor, isTfsWithoutPat, KIND_LABELS, PROVIDER_KINDS, pullRequestWord, SELF_HOSTED, TFS_VERSIONS, type CredentialKind } from '../common/kinds';
import {
  accessKeyIdRule,
  baseUrlRule,
  branchTemplateRule,
  check,
  issueTypeNameRule,
  issueTypePrefixRule,
  nameRule,
  passwordRule,
  regionRule,
  secretAccessKeyRule,
  tokenRule,
  usernameRule,
  type Errors,
  type Rule,
} from '../common/rules';
import { Busy, FieldError, formatDate, placeProblem, ProblemMessage, problemOf, space, TextInput, tk, useFocusRequest } from '../common/ui';

type Props =
  | { mode: 'create'; onSaved: (view: IntegrationView, ifMatch: string) => void; onCancel: () => void }
  | { mode: 'edit'; view: IntegrationView; ifMatch: string; onSaved: (view: IntegrationView, ifMatch: string) => void; onReload: () => void; onCancel: () => void };

interface Option<T extends string> {
  readonly label: string;
  readonly value: T;
}

const KIND_OPTIONS: Option<ProviderKind>[] = PROVIDER_KINDS.map((kind) => ({ value: kind, label: KIND_LABELS[kind] }));
const TFS_OPTIONS: Option<TfsVersion>[] = TFS_VERSIONS.map((v) => ({ value: v, label: `${v}${isTfsWithoutPat('tfs', v) ? ' (no personal access tokens)' : ''}` }));

const CREDENTIAL_FIELDS: Record<CredentialKind, readonly (readonly [string, string, Rule])[]> = {
  token: [['token', 'Service account token', tokenRule]],
  'aws-keys': [
    ['accessKeyId', 'Access key id', accessKeyIdRule],
    ['secretAccessKey', 'Secret access key', secretAccessKeyRule],
  ],
  basic: [
    ['username', 'Service account user name', usernameRule],
    ['password', 'Service account password', passwordRule],
  ],
};

// In the form's order: a refusal moves focus to the first of them in error.
const FIELDS = [
  'provider',
  'name',
  'baseUrl',
  'tfsVersion',
  'region',
  ...Object.values(CREDENTIAL_FIELDS).flat().map(([f]) => `serviceCredential.${f}`),
  'projects',
  'requireUserPat',
  'branchNaming.template',
  'branchNaming.issueTypePrefixes',
];

/** Add or edit one integration. Secrets are write-only: the form shows only the stored hint. */
export const IntegrationForm = (props: Props): JSX.Element => {
  const current = props.mode === 'edit' ? props.view : undefined;
  const [provider, setProvider] = useState<ProviderKind | undefined>(current?.provider);
  const [name, setName] = useState(current?.name ?? '');
  const [baseUrl, setBaseUrl] = useState(current?.baseUrl ?? '');
  const [tfsVersion, setTfsVersion] = useState<TfsVersion | undefined>(current?.tfsVersion);
  const [region, setRegion] = useState(current?.region ?? '');
  const [requireUserPat, setRequireUserPat] = useState(current?.requireUserPat ?? false);
  // docs/architecture.md §3 step 0: all projects, or a list the admin picks from Jira's projects.
  const [projectKeys, setProjectKeys] = useState<string[] | 'all'>(!current || current.projects === 'all' ? 'all' : current.projects.map((p) => p.key));
  const [jiraProjects, setJiraProjects] = useState<JiraProject[]>();
  useEffect(() => {
    if (projectKeys === 'all' || jiraProjects) return;
    admin
      .jiraProjects()
      .then((page) => setJiraProjects(page.projects))
      .catch(() => setJiraProjects([]));
  }, [projectKeys, jiraProjects]);
  const [template, setTemplate] = useState(current?.branchNaming?.template ?? '');
  const [prefixes, setPrefixes] = useState(prefixesText(current?.branchNaming?.issueTypePrefixes ?? {}));
  const [replacing, setReplacing] = useState(props.mode === 'create');
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Errors>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [stale, setStale] = useState(false);
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState<AbortController>();
  const focusOn = useFocusRequest();
  /** A refusal: focus goes to the first field in error (in the form's order), else to the message that says why. */
  const refuse = (fields: Errors, messages: string[]): void => {
    setErrors(fields);
    setGeneral(messages);
    const first = FIELDS.find((f) => fields[f]);
    focusOn(first ? (first === 'projects' && projectKeys === 'all' ? 'projectScope' : first) : 'form-problem');
  };

  const credentialKind = provider ? credentialKindFor(provider, tfsVersion) : 'token';
  const credentialKindChanged = current !== undefined && credentialKind !== current.serviceCredential.kind;
  const mustReplace = replacing || credentialKindChanged;
  const selfHosted = provider !== undefined && SELF_HOSTED.includes(provider);
  const title = props.mode === 'create' ? 'Add integration' : `Edit ${current?.name ?? ''}`;

  const validate = (): Errors => {
    const found = check([
      ['name', name, nameRule],
      ...(selfHosted ? [['baseUrl', baseUrl, baseUrlRule] as const] : []),
      ...(provider === 'codecommit' ? [['region', region, regionRule] as const] : []),
      ...(mustReplace ? CREDENTIAL_FIELDS[credentialKind].map(([f, , rule]) => [`serviceCredential.${f}`, secrets[f] ?? '', rule] as const) : []),
    ]);
    if (!provider) found.provider = 'Choose the kind of git host.';
    if (provider === 'tfs' && !tfsVersion) found.tfsVersion = 'Choose the TFS version.';
    if (projectKeys !== 'all' && projectKeys.length === 0) found.projects = 'Choose at least one project, or All projects.';
    if (template.trim() !== '') {
      const templateProblem = branchTemplateRule(template.trim());
      if (templateProblem) found['branchNaming.template'] = templateProblem;
    } else if (prefixes.trim() !== '') found['branchNaming.template'] = 'Enter a template that uses {issueType}, or clear the prefixes.';
    const parsed = parsePrefixes(prefixes);
    if (typeof parsed === 'string') found['branchNaming.issueTypePrefixes'] = parsed;
    return found;
  };

  /** The branch naming the form holds: undefined for the default pattern. */
  const naming = (): { template: string; issueTypePrefixes: Record<string, string> } | undefined => {
    const parsed = parsePrefixes(prefixes);
    return template.trim() === '' ? undefined : { template: template.trim(), issueTypePrefixes: typeof parsed === 'string' ? {} : parsed };
  };

  const credential = (): Credential =>
    credentialKind === 'aws-keys'
      ? { accessKeyId: secrets.accessKeyId ?? '', secretAccessKey: secrets.secretAccessKey ?? '' }
      : credentialKind === 'basic'
        ? { username: secrets.username ?? '', password: secrets.password ?? '' }
        : { token: secrets.token ?? '' };

  const submit = async (): Promise<void> => {
    setGeneral([]);
    setNotice(undefined);
    setStale(false);
    const found = validate();
    if (Object.keys(found).length || !provider) {
      refuse(found, []);
      return;
    }
    setErrors({});
    const controller = new AbortController();
    setBusy(controller);
    try {
      let result;
      if (props.mode === 'create') {
        const body: CreateIntegrationBody = {
          name: name.trim(),
          provider,
          requireUserPat,
          projects: projectKeys,
          serviceCredential: credential(),
          ...(naming() ? { branchNaming: naming() } : {}),
          ...(selfHosted ? { baseUrl: baseUrl.trim() } : {}),
          ...(provider === 'tfs' && tfsVersion ? { tfsVersion } : {}),
          ...(provider === 'codecommit' ? { region } : {}),
        };
        result = await admin.create(body, { signal: controller.signal });
      } else {
        const view = props.view;
        const body: PatchIntegrationBody = {
          ...(name.trim() !== view.name ? { name: name.trim() } : {}),
          ...(selfHosted && baseUrl.trim() !== view.baseUrl ? { baseUrl: baseUrl.trim() } : {}),
          ...(provider === 'tfs' && tfsVersion !== view.tfsVersion ? { tfsVersion } : {}),
          ...(provider === 'codecommit' && region !== view.region ? { region } : {}),
          ...(requireUserPat !== view.requireUserPat ? { requireUserPat } : {}),
          ...(projectLabel(projectKeys) !== projectLabel(view.projects === 'all' ? 'all' : view.projects.map((p) => p.key)) ? { projects: projectKeys } : {}),
          ...(mustReplace ? { serviceCredential: credential() } : {}),
          ...(namingLabel(naming()) !== namingLabel(view.branchNaming) ? { branchNaming: naming() ?? null } : {}),
        };
        result = await admin.update(view.id, props.ifMatch, body, { signal: controller.signal });
      }
      setSecrets({});
      setReplacing(false);
      props.onSaved(result.body, ifMatchOf(result));
    } catch (error) {
      if (error instanceof Cancelled) {
        setSecrets({});
        setNotice('Cancelled. If patgate finished in the meantime, the table shows it.');
      } else if (error instanceof ApiProblem && error.code === 'PRECONDITION_FAILED') {
        setStale(true);
        focusOn('stale-warning');
      } else {
        const placed = placeProblem(problemOf(error), FIELDS);
        refuse(placed.fields, placed.general);
      }
    } finally {
      setBusy(undefined);
    }
  };

  const credentialSummary = (): string => {
    const c = current?.serviceCredential;
    if (!c) return '';
    // What the host said when the credential was checked on save: whose it is and when it expires.
    const verified = `${c.login ? `, the host knows it as ${c.login}` : ''}${c.expiresAt ? `, expires ${formatDate(c.expiresAt)}` : ''}`;
    if (c.kind === 'aws-keys') return `Access key ${c.accessKeyId ?? ''}, set on ${formatDate(c.setAt)}, secret ending ${c.hint}${verified}`;
    if (c.kind === 'basic') return `User ${c.username ?? ''}, password set on ${formatDate(c.setAt)}${verified}`;
    return `Set on ${formatDate(c.setAt)}, ending ${c.hint}${verified}`;
  };

  return (
    <section aria-labelledby="integration-form-title" style={{ borderTop: `1px solid ${tk('color.border')}`, marginBlockStart: space('400'), paddingBlockStart: space('300') }}>
      <h2 id="integration-form-title" tabIndex={-1} style={{ font: tk('font.heading.medium'), outline: 'none' }}>
        {title}
      </h2>
      <form
        noValidate
        aria-labelledby="integration-form-title"
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy) void submit();
        }}
        style={{ maxWidth: 560 }}
      >
        <div style={{ marginBlockStart: space('200') }}>
          <Label htmlFor="provider">Kind of git host</Label>
          {props.mode === 'create' ? (
            <Select<Option<ProviderKind>>
              inputId="provider"
              options={KIND_OPTIONS}
              value={KIND_OPTIONS.find((o) => o.value === provider) ?? null}
              onChange={(option) => setProvider(option?.value)}
              placeholder="Choose a host"
              isInvalid={Boolean(errors.provider)}
              aria-describedby={errors.provider ? 'provider-error' : undefined}
            />
          ) : (
            <p id="provider">{provider ? KIND_LABELS[provider] : ''}</p>
          )}
          <FieldError id="provider-error" message={errors.provider} />
        </div>
        <TextInput id="name" label="Name" value={name} onChange={setName} error={errors.name} required helper="What users see in Jira, e.g. GitHub (acme)." />
        {selfHosted ? (
          <TextInput id="baseUrl" label="Base URL" type="url" value={baseUrl} onChange={setBaseUrl} error={errors.baseUrl} required placeholder={provider ? BASE_URL_EXAMPLES[provider] : undefined} helper="https only. patgate refuses private, link-local and metadata addresses." />
        ) : null}
        {provider === 'tfs' ? (
          <div style={{ marginBlockStart: space('200') }}>
            <Label htmlFor="tfsVersion">TFS version</Label>
            <Select<Option<TfsVersion>>
              inputId="tfsVersion"
              options={TFS_OPTIONS}
              value={TFS_OPTIONS.find((o) => o.value === tfsVersion) ?? null}
              onChange={(option) => setTfsVersion(option?.value)}
              placeholder="Choose a version"
              isInvalid={Boolean(errors.tfsVersion)}
              aria-describedby={['tfsVersion-note', errors.tfsVersion ? 'tfsVersion-error' : ''].filter(Boolean).join(' ')}
            />
            <div id="tfsVersion-note">
              <HelperMessage>TFS 2013 and 2015 have no personal access tokens: the service account signs in with user name and password, and users cannot add tokens of their own.</HelperMessage>
            </div>
            <FieldError id="tfsVersion-error" message={errors.tfsVersion} />
          </div>
        ) : null}
        {provider === 'codecommit' ? <TextInput id="region" label="AWS region" value={region} onChange={setRegion} error={errors.region} required placeholder="eu-west-1" /> : null}

        <fieldset style={{ border: 0, padding: 0, margin: 0, marginBlockStart: space('300') }}>
          <legend style={{ font: tk('font.heading.small') }}>Service credential</legend>
          {current && !mustReplace ? (
            <div style={{ display: 'flex', gap: space('150'), alignItems: 'center', marginBlockStart: space('100') }}>
              <span data-testid="credential-summary">{credentialSummary()}</span>
              <Button onClick={() => setReplacing(true)}>Replace</Button>
            </div>
          ) : (
            <>
              {credentialKindChanged ? <p>This version signs in differently: enter the new credential.</p> : null}
              {CREDENTIAL_FIELDS[credentialKind].map(([field, label]) => (
                <TextInput
                  key={field}
                  id={`serviceCredential.${field}`}
                  label={label}
                  type={field === 'username' ? 'text' : 'password'}
                  value={secrets[field] ?? ''}
                  onChange={(value) => setSecrets((s) => ({ ...s, [field]: value }))}
                  error={errors[`serviceCredential.${field}`]}
                  required
                />
              ))}
              {current && replacing ? (
                <div style={{ marginBlockStart: space('100') }}>
                  <Button appearance="subtle" onClick={() => { setReplacing(false); setSecrets({}); }}>
                    Keep the current credential
                  </Button>
                </div>
              ) : null}
            </>
          )}
        </fieldset>

        <div style={{ marginBlockStart: space('300') }}>
          <Label htmlFor="projectScope">Projects</Label>
          <Select<{ label: string; value: 'all' | 'list' }>
            inputId="projectScope"
            options={PROJECT_SCOPES}
            value={PROJECT_SCOPES.find((o) => o.value === (projectKeys === 'all' ? 'all' : 'list')) ?? null}
            onChange={(option) => setProjectKeys(option?.value === 'list' ? [] : 'all')}
          />
          {projectKeys === 'all' ? null : (
            <div style={{ marginBlockStart: space('100') }}>
              <Label htmlFor="projects">Jira projects</Label>
              <Select<{ label: string; value: string }, true>
                inputId="projects"
                isMulti
                isLoading={!jiraProjects}
                options={(jiraProjects ?? []).map((p) => ({ label: `${p.key} (${p.name})`, value: p.key }))}
                value={projectKeys.map((key) => ({ label: key, value: key }))}
                onChange={(options) => setProjectKeys(options.map((o) => o.value))}
                aria-describedby={errors.projects ? 'projects-error' : undefined}
              />
              <FieldError id="projects-error" message={errors.projects} />
            </div>
          )}
          <HelperMessage>Only issues of these projects may use this integration; a repository can narrow it further.</HelperMessage>
        </div>

        <div style={{ marginBlockStart: space('300') }}>
          <Checkbox
            id="requireUserPat"
            name="requireUserPat"
            label="Require User PAT"
            isChecked={requireUserPat}
            onChange={(event) => setRequireUserPat(event.target.checked)}
            aria-describedby="requireUserPat-help"
          />
          <div id="requireUserPat-help">
            <HelperMessage>
              Each user must save their own personal access token before creating branches or {provider ? `${pullRequestWord(provider)}s` : 'pull requests'}; the host then records them, not the service account.
              {provider && isTfsWithoutPat(provider, tfsVersion) ? ' On TFS 2013/2015 this makes branch and pull-request actions unavailable.' : ''}
            </HelperMessage>
          </div>
        </div>

        <fieldset style={{ border: 0, padding: 0, margin: 0, marginBlockStart: space('300') }}>
          <legend style={{ font: tk('font.heading.small') }}>Branch names</legend>
          <TextInput
            id="branchNaming.template"
            label="Branch name template (optional)"
            value={template}
            onChange={setTemplate}
            error={errors['branchNaming.template']}
            placeholder="{issueType}/{issueKey}-{summary}"
            helper={
              <>
                The name the issue panel suggests, still editable. Placeholders: <code>{'{issueKey}'}</code>, <code>{'{issueType}'}</code> (its prefix below, or the type in lower case),{' '}
                <code>{'{summary}'}</code> (lower case, words joined by -). Must contain <code>{'{issueKey}'}</code>. Empty: <code>ABC-123-summary</code>.
              </>
            }
          />
          <TextInput
            id="branchNaming.issueTypePrefixes"
            label="Issue type prefixes (optional)"
            value={prefixes}
            onChange={setPrefixes}
            error={errors['branchNaming.issueTypePrefixes']}
            placeholder="Bug: bugfix, Story: feature"
            helper="Issue type: prefix, separated by commas. What {issueType} becomes for each type."
          />
        </fieldset>

        {stale ? (
          <div role="alert" id="stale-warning" tabIndex={-1} data-testid="stale-warning" style={{ marginBlockStart: space('200') }}>
            <SectionMessage appearance="warning" title="Changed by someone else — reload">
              <p>This integration changed since you opened it, so your update was not applied. Reload to see the current settings, then make your change again.</p>
              <div style={{ marginBlockStart: space('100') }}>
                <Button onClick={() => props.mode === 'edit' && props.onReload()}>Reload</Button>
              </div>
            </SectionMessage>
          </div>
        ) : null}
        <ProblemMessage title={props.mode === 'create' ? 'The integration was not added' : 'The integration was not updated'} messages={general} testId="form-problem" id="form-problem" />
        {notice ? <p role="status">{notice}</p> : null}
        <div style={{ display: 'flex', gap: space('100'), marginBlockStart: space('300') }}>
          <Button type="submit" appearance="primary" isDisabled={Boolean(busy)}>
            {props.mode === 'create' ? 'Add integration' : 'Update'}
          </Button>
          <Button appearance="subtle" onClick={props.onCancel} isDisabled={Boolean(busy)}>
            {props.mode === 'create' ? 'Cancel' : 'Close'}
          </Button>
        </div>
        {busy ? <Busy label={props.mode === 'create' ? 'Adding the integration…' : 'Updating…'} onCancel={() => busy.abort()} /> : null}
      </form>
    </section>
  );
};

const PROJECT_SCOPES: { label: string; value: 'all' | 'list' }[] = [
  { label: 'All projects', value: 'all' },
  { label: 'Only these projects', value: 'list' },
];

const projectLabel = (keys: readonly string[] | 'all'): string => (keys === 'all' ? 'all' : [...keys].sort().join(','));

/** `Bug: bugfix, Story: feature` ⇄ `{ Bug: 'bugfix', Story: 'feature' }`. */
const prefixesText = (map: Readonly<Record<string, string>>): string =>
  Object.entries(map)
    .map(([type, prefix]) => `${type}: ${prefix}`)
    .join(', ');

/** The prefixes the field holds, or what is wrong with them (the API checks the same rules). */
const parsePrefixes = (text: string): Record<string, string> | string => {
  const map: Record<string, string> = {};
  for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const colon = pair.lastIndexOf(':');
    if (colon < 0) return `Write each as issue type: prefix ("${pair}" has no colon).`;
    const type = pair.slice(0, colon).trim();
    const prefix = pair.slice(colon + 1).trim();
    const problem = issueTypeNameRule(type) ?? issueTypePrefixRule(prefix);
    if (problem) return `${type || pair}: ${problem}`;
    if (map[type] !== undefined) return `${type} is named twice.`;
    map[type] = prefix;
  }
  return map;
};

const namingLabel = (naming: { template: string; issueTypePrefixes: Readonly<Record<string, string>> } | undefined): string =>
  naming ? `${naming.template}|${prefixesText(naming.issueTypePrefixes)}` : '';
