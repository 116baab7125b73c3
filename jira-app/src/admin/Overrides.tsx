import { useState, type JSX } from 'react';
import Button from '@atlaskit/button/new';
import { Label } from '@atlaskit/form';
import Select from '@atlaskit/select';
import { admin, type IntegrationView } from '../api/patgate';
import { check, repositoryIdRule, type Errors } from '../common/rules';
import { FieldError, placeProblem, ProblemMessage, problemOf, space, TextInput, tk } from '../common/ui';

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

/** Per-repository overrides of Require User PAT: Inherit / Required / Not required. */
export const Overrides = ({ view, onChanged }: { view: IntegrationView; onChanged: () => void }): JSX.Element => {
  const [repositoryId, setRepositoryId] = useState('');
  const [choice, setChoice] = useState<Choice>('required');
  const [errors, setErrors] = useState<Errors>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);
  const opts = options(view.requireUserPat);

  const save = async (id: string, next: Choice): Promise<boolean> => {
    setGeneral([]);
    setSaving(true);
    try {
      await admin.setOverride(view.id, id, toValue(next));
      onChanged();
      return true;
    } catch (error) {
      const placed = placeProblem(problemOf(error), ['repositoryId', 'requireUserPat'], 'repositoryId');
      setErrors(placed.fields);
      setGeneral(placed.general);
      return false;
    } finally {
      setSaving(false);
    }
  };

  const add = async (): Promise<void> => {
    const found = check([['repositoryId', repositoryId.trim(), repositoryIdRule]]);
    setErrors(found);
    if (Object.keys(found).length) return;
    if (await save(repositoryId.trim(), choice)) setRepositoryId('');
  };

  return (
    <section aria-labelledby="overrides-title" style={{ marginBlockStart: space('400') }}>
      <h2 id="overrides-title" style={{ font: tk('font.heading.medium') }}>
        Repository overrides
      </h2>
      <p style={{ color: tk('color.text.subtle') }}>A repository can require user PATs, or not, regardless of the integration&apos;s setting.</p>
      {view.repositories.length ? (
        <table style={{ marginBlockStart: space('150'), maxWidth: 640 }}>
          <caption style={{ textAlign: 'start', position: 'absolute', width: 1, height: 1, overflow: 'hidden', clipPath: 'inset(50%)' }}>Overrides of {view.name}</caption>
          <thead>
            <tr>
              <th scope="col">Repository</th>
              <th scope="col">Require User PAT</th>
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
                    onChange={(option) => option && void save(r.repositoryId, option.value)}
                    isDisabled={saving}
                  />
                </td>
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
          <TextInput id="override-repository" label="Repository" value={repositoryId} onChange={setRepositoryId} error={errors.repositoryId} placeholder="owner/name" helper="As the host names it (project/repository on Azure DevOps)." />
        </div>
        <div style={{ flex: '0 1 220px', marginBlockStart: space('200') }}>
          <Label htmlFor="override-choice">Require User PAT on it</Label>
          <Select<Option> inputId="override-choice" options={opts} value={opts.find((o) => o.value === choice)} onChange={(option) => option && setChoice(option.value)} />
          <FieldError id="override-choice-error" message={errors.requireUserPat} />
        </div>
        <div style={{ marginBlockStart: space('400') }}>
          <Button type="submit" isDisabled={saving}>
            Save override
          </Button>
        </div>
      </form>
      <ProblemMessage title="The override was not saved" messages={general} testId="override-problem" />
    </section>
  );
};
