import { useState, type JSX } from 'react';
import Button from '@atlaskit/button/new';
import { Label } from '@atlaskit/form';
import Select from '@atlaskit/select';
import { admin, type IntegrationView } from '../api/patgate';
import { repositoryNamingOf } from '../common/kinds';
import { check, repositoryIdRule, sourceBranchRule, type Errors } from '../common/rules';
import { FieldError, placeProblem, ProblemMessage, problemOf, ResultMessage, space, TextInput, tk, useFocusRequest } from '../common/ui';

type Choice = 'inherit' | 'required' | 'not-required';
interface Option {
  readonly label: string;
  readonly value: Choice;
}

const toValue = (choice: Choice): boolean | null => (choice === 'inherit' ? null : choice === 'required');
const options = (inherited: boolean): Option[] => [
  { value: 'inherit', label: `Inherit (${inherited ? 'required' : 'not required'})` },
  { value: 'required', label: 'Required' },
  { value: 'not-required', label: 'Not required' },
];

const FIELD_INPUTS: Record<string, string> = { repositoryId: 'override-repository', requireUserPat: 'override-choice', defaultSourceBranch: 'override-source-branch' };
const words = (choice: Choice): string => (choice === 'inherit' ? 'inherit' : choice === 'required' ? 'required' : 'not required');

/** Per-repository overrides of Require User PAT (Inherit / Required / Not required) and the branch the panel starts from. */
export const Overrides = ({ view, onChanged }: { view: IntegrationView; onChanged: () => void }): JSX.Element => {
  const [repositoryId, setRepositoryId] = useState('');
  const [choice, setChoice] = useState<Choice>('required');
  const [sourceBranch, setSourceBranch] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);
  const [done, setDone] = useState<string>();
  const focusOn = useFocusRequest();
  const opts = options(view.requireUserPat);
  const naming = repositoryNamingOf(view.provider);

  const refuse = (fields: Errors, messages: string[]): void => {
    setErrors(fields);
    setGeneral(messages);
    const first = Object.keys(FIELD_INPUTS).find((f) => fields[f]);
    focusOn(first ? (FIELD_INPUTS[first] ?? 'override-problem') : 'override-problem');
  };

  const save = async (id: string, next: Choice, extra: { defaultSourceBranch?: string; projects?: string[] }): Promise<boolean> => {
    setGeneral([]);
    setDone(undefined);
    setSaving(true);
    try {
      await admin.setOverride(view.id, id, toValue(next), next === 'inherit' ? {} : extra);
      setErrors({});
      const branch = next !== 'inherit' && extra.defaultSourceBranch ? `, starting branches from ${extra.defaultSourceBranch}` : '';
      setDone(next === 'inherit' ? `Saved: ${id} inherits the integration's setting again.` : `Saved: ${id} is ${words(next)}${branch}.`);
      focusOn('override-result');
      onChanged();
      return true;
    } catch (error) {
      const placed = placeProblem(problemOf(error), Object.keys(FIELD_INPUTS), 'repositoryId');
      refuse(placed.fields, placed.general);
      return false;
    } finally {
      setSaving(false);
    }
  };

  const add = async (): Promise<void> => {
    const found = check([
      ['repositoryId', repositoryId.trim(), repositoryIdRule],
      ['defaultSourceBranch', sourceBranch.trim(), sourceBranchRule],
    ]);
    if (choice === 'inherit' && sourceBranch.trim() && !found.defaultSourceBranch) found.defaultSourceBranch = 'Choose Required or Not required to set a default source branch.';
    if (Object.keys(found).length) {
      refuse(found, []);
      return;
    }
    if (await save(repositoryId.trim(), choice, sourceBranch.trim() ? { defaultSourceBranch: sourceBranch.trim() } : {})) {
      setRepositoryId('');
      setSourceBranch('');
    }
  };

  return (
    <section aria-labelledby="overrides-title" style={{ marginBlockStart: space('400') }}>
      <h2 id="overrides-title" style={{ font: tk('font.heading.medium') }}>
        Repository overrides
      </h2>
      <p style={{ color: tk('color.text.subtle') }}>
        A repository can require user PATs, or not, regardless of the integration&apos;s setting, and name the branch new branches start from.
      </p>
      {view.repositories.length ? (
        <table style={{ marginBlockStart: space('150'), maxWidth: 640 }}>
          <caption style={{ textAlign: 'start', position: 'absolute', width: 1, height: 1, overflow: 'hidden', clipPath: 'inset(50%)' }}>Overrides of {view.name}</caption>
          <thead>
            <tr>
              <th scope="col">Repository</th>
              <th scope="col">Require User PAT</th>
              <th scope="col">Default source branch</th>
            </tr>
          </thead>
          <tbody>
            {view.repositories.map((r) => (
              <tr key={r.repositoryId} data-testid={`override-${r.repositoryId}`}>
                <td>{r.repositoryId}</td>
                <td style={{ minWidth: 240 }}>
                  <Select<Option>
                    aria-label={`Require User PAT on ${r.repositoryId}`}
                    options={opts}
                    value={opts.find((o) => o.value === (r.requireUserPat ? 'required' : 'not-required'))}
                    // The row's other settings stay as they are: only the requirement changes.
                    onChange={(option) => option && void save(r.repositoryId, option.value, { ...(r.defaultSourceBranch ? { defaultSourceBranch: r.defaultSourceBranch } : {}), ...(r.projects ? { projects: r.projects.map((p) => p.key) } : {}) })}
                    isDisabled={saving}
                  />
                </td>
                <td data-testid={`override-branch-${r.repositoryId}`}>{r.defaultSourceBranch ?? 'the host\'s default'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No overrides: every repository inherits the integration&apos;s setting.</p>
      )}
      <form
        noValidate
        aria-label="Add a repository override"
        onSubmit={(event) => {
          event.preventDefault();
          if (!saving) void add();
        }}
        style={{ display: 'flex', gap: space('200'), alignItems: 'flex-start', flexWrap: 'wrap', maxWidth: 760 }}
      >
        <div style={{ flex: '1 1 240px' }}>
          <TextInput id="override-repository" label="Repository" value={repositoryId} onChange={setRepositoryId} error={errors.repositoryId} placeholder={naming.placeholder} helper={naming.help} />
        </div>
        <div style={{ flex: '0 1 220px', marginBlockStart: space('200') }}>
          <Label htmlFor="override-choice">Require User PAT on it</Label>
          <Select<Option> inputId="override-choice" options={opts} value={opts.find((o) => o.value === choice)} onChange={(option) => option && setChoice(option.value)} />
          <FieldError id="override-choice-error" message={errors.requireUserPat} />
        </div>
        <div style={{ flex: '1 1 200px' }}>
          <TextInput
            id="override-source-branch"
            label="Default source branch (optional)"
            value={sourceBranch}
            onChange={setSourceBranch}
            error={errors.defaultSourceBranch}
            placeholder="develop"
            helper="The branch the issue panel preselects to start from. Empty: the repository's default branch."
          />
        </div>
        <div style={{ marginBlockStart: space('400') }}>
          <Button type="submit" isDisabled={saving}>
            Save override
          </Button>
        </div>
      </form>
      <ProblemMessage title="The override was not saved" messages={general} testId="override-problem" id="override-problem" />
      {done ? (
        <ResultMessage id="override-result" testId="override-result">
          <p>{done}</p>
        </ResultMessage>
      ) : null}
    </section>
  );
};
