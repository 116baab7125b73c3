import '@atlaskit/css-reset';
import { StrictMode, useCallback, useEffect, useState, type ReactNode, type JSX, type Ref } from 'react';
import { createRoot } from 'react-dom/client';
import Button from '@atlaskit/button/new';
import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';
import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import Textfield from '@atlaskit/textfield';
import { token } from '@atlaskit/tokens';
import { view } from '@forge/bridge';
import { ApiProblem, type Problem } from '../api/client';
import type { Errors } from './rules';

/**
 * Starts a page. Jira does not theme a Custom UI page on its own: the page opts in with
 * `view.theme.enable()`, then the bridge marks <html> with Jira's theme (`data-color-mode`,
 * `data-theme`), loads its token values and follows Jira when the user switches
 * (https://developer.atlassian.com/platform/forge/design-tokens-and-theming/).
 */
export const mount = (app: ReactNode): void => {
  // A page without theming still works (light fallbacks below), so a refusal only leaves it light.
  view.theme.enable().catch(() => undefined);
  const root = document.getElementById('root');
  if (root) createRoot(root).render(<StrictMode>{app}</StrictMode>);
};

/**
 * Design tokens with the values of Atlassian's light theme as fallbacks: once `view.theme.enable()`
 * (in mount) has loaded Jira's theme into the page, the tokens' CSS variables follow Jira's light or
 * dark theme; before that, the fallback applies.
 */
const FALLBACKS = {
  'space.050': '4px',
  'space.100': '8px',
  'space.150': '12px',
  'space.200': '16px',
  'space.300': '24px',
  'space.400': '32px',
  'color.text': '#172B4D',
  'color.text.subtle': '#44546F',
  'color.border': '#091E4224',
  'color.border.focused': '#388BFF',
  'elevation.surface': '#FFFFFF',
  'font.heading.large': 'normal 653 24px/28px "Atlassian Sans", ui-sans-serif, -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif',
  'font.heading.medium': 'normal 653 20px/24px "Atlassian Sans", ui-sans-serif, -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif',
  'font.heading.small': 'normal 653 16px/20px "Atlassian Sans", ui-sans-serif, -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif',
} as const;
export type TokenName = keyof typeof FALLBACKS;
export const tk = (name: TokenName): string => token(name, FALLBACKS[name]);

export const space = (n: '050' | '100' | '150' | '200' | '300' | '400'): string => tk(`space.${n}`);

export interface TextInputProps {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly error?: string;
  readonly helper?: ReactNode;
  readonly type?: 'text' | 'password' | 'date' | 'url';
  readonly required?: boolean;
  readonly placeholder?: string;
  readonly autoComplete?: string;
  readonly disabled?: boolean;
  readonly inputRef?: Ref<HTMLInputElement>;
}

/** A labelled text field whose error (ours or the API's) sits right under it and is announced. */
export const TextInput = (props: TextInputProps): JSX.Element => {
  const describedBy = [props.error ? `${props.id}-error` : '', props.helper ? `${props.id}-helper` : ''].filter(Boolean).join(' ');
  return (
    <div style={{ marginBlockStart: space('200') }}>
      <Label htmlFor={props.id}>
        {props.label}
        {props.required ? <span aria-hidden="true"> *</span> : null}
      </Label>
      <Textfield
        id={props.id}
        name={props.id}
        value={props.value}
        type={props.type ?? 'text'}
        isInvalid={Boolean(props.error)}
        isRequired={props.required}
        isDisabled={props.disabled}
        placeholder={props.placeholder}
        autoComplete={props.autoComplete ?? 'off'}
        spellCheck={false}
        ref={props.inputRef}
        aria-describedby={describedBy || undefined}
        onChange={(event) => props.onChange((event.target as HTMLInputElement).value)}
      />
      {props.helper ? (
        <div id={`${props.id}-helper`}>
          <HelperMessage>{props.helper}</HelperMessage>
        </div>
      ) : null}
      <FieldError id={`${props.id}-error`} message={props.error} />
    </div>
  );
};

export const FieldError = ({ id, message }: { id: string; message?: string }): JSX.Element | null =>
  message ? (
    <div id={id} role="alert" data-testid={id}>
      <ErrorMessage>{message}</ErrorMessage>
    </div>
  ) : null;

/**
 * Splits a refusal into per-field messages (the problem's `errors`, matched to the form's fields,
 * `serviceCredential` to its first input) and what belongs to no field. A problem without `errors`
 * goes to `fallbackField` when given (e.g. the host refusing a token belongs under the token input).
 */
export const placeProblem = (problem: Problem, fields: readonly string[], fallbackField?: string): { fields: Errors; general: string[] } => {
  const placed: Errors = {};
  const general: string[] = [];
  const errors = problem.errors ?? [];
  for (const error of errors) {
    const field = fields.find((f) => f === error.field || f.startsWith(`${error.field}.`) || error.field.startsWith(`${f}.`));
    if (field && !placed[field]) placed[field] = error.message.replace(/^./, (c) => c.toUpperCase());
    else general.push(`${error.field}: ${error.message}`);
  }
  if (errors.length === 0) {
    if (fallbackField && fields.includes(fallbackField)) placed[fallbackField] = problem.detail;
    else general.push(problem.detail);
  } else if (Object.keys(placed).length > 0 && general.length === 0) {
    // The fields say it all; the summary still names the refusal once.
  } else {
    general.unshift(problem.detail);
  }
  return { fields: placed, general };
};

export const problemOf = (error: unknown): Problem =>
  error instanceof ApiProblem ? error.problem : { status: 0, code: 'UNEXPECTED', detail: error instanceof Error ? error.message : 'Something went wrong.' };

export const ProblemMessage = ({ title, messages, testId, id }: { title: string; messages: readonly string[]; testId?: string; id?: string }): JSX.Element | null =>
  messages.length ? (
    // Focusable by script only (tabIndex -1): a failed step moves focus here (useFocusRequest).
    <div role="alert" id={id} tabIndex={id ? -1 : undefined} data-testid={testId} style={{ marginBlockStart: space('200') }}>
      <SectionMessage appearance="error" title={title}>
        {messages.map((m) => (
          <p key={m}>{m}</p>
        ))}
      </SectionMessage>
    </div>
  ) : null;

/** A request in flight that may be slow (the host is asked): spinner, what is happening, Cancel. */
export const Busy = ({ label, onCancel }: { label: string; onCancel?: () => void }): JSX.Element => (
  <div role="status" aria-live="polite" style={{ display: 'flex', alignItems: 'center', gap: space('100'), marginBlockStart: space('150') }}>
    <Spinner size="small" label={label} />
    <span>{label}</span>
    {onCancel ? (
      <Button appearance="subtle" onClick={onCancel}>
        Cancel
      </Button>
    ) : null}
  </div>
);

export const PageHeader = ({ title, children }: { title: string; children?: ReactNode }): JSX.Element => (
  <header style={{ marginBlockEnd: space('300') }}>
    <h1 style={{ font: tk('font.heading.large') }}>{title}</h1>
    {children ? <div style={{ marginBlockStart: space('100'), color: tk('color.text.subtle') }}>{children}</div> : null}
  </header>
);

export const Page = ({ children }: { children: ReactNode }): JSX.Element => (
  <div style={{ padding: space('300'), maxWidth: 1100, color: tk('color.text'), background: tk('elevation.surface') }}>{children}</div>
);

export const formatDate = (iso: string | undefined): string => (iso ? new Date(iso).toISOString().slice(0, 10) : '—');

export const daysUntil = (iso: string, now = new Date()): number => Math.max(0, Math.ceil((Date.parse(iso) - now.getTime()) / 86_400_000));

/**
 * Moves focus, after the next render, to the element with the given id: the result message of a step
 * or the field in error (WAI-ARIA APG: focus goes where the user's next concern is, never back to the
 * page body). Returns the function that asks for it; asking again for the same id moves focus again.
 */
export const useFocusRequest = (): ((id: string) => void) => {
  const [request, setRequest] = useState<{ id: string; n: number }>();
  useEffect(() => {
    if (request) document.getElementById(request.id)?.focus();
  }, [request]);
  return useCallback((id: string) => setRequest((previous) => ({ id, n: (previous?.n ?? 0) + 1 })), []);
};

/** A result message a step moves focus to: announced (role=status) and focusable by script. */
export const ResultMessage = ({ id, testId, children }: { id: string; testId?: string; children: ReactNode }): JSX.Element => (
  <div role="status" id={id} tabIndex={-1} data-testid={testId} style={{ marginBlockStart: space('150') }}>
    <SectionMessage appearance="information">{children}</SectionMessage>
  </div>
);
