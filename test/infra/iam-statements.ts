import type { Template } from 'aws-cdk-lib/assertions';

/** One statement of any identity policy in a template, with the roles it is attached to. */
export interface IamStatement {
  /** Logical id of the resource that holds the statement (policy, managed policy or role). */
  readonly holder: string;
  /** Logical ids of the roles the statement applies to. */
  readonly roles: readonly string[];
  readonly effect: string;
  readonly actions: readonly string[] | undefined;
  readonly notActions: readonly string[] | undefined;
  readonly resources: readonly unknown[] | undefined;
  readonly notResources: readonly unknown[] | undefined;
  readonly condition: unknown;
}

type Json = Record<string, unknown>;

const asRecord = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});
const asList = (value: unknown): unknown[] | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value : [value];
const asStrings = (value: unknown): string[] | undefined => asList(value)?.map(String);

const refsOf = (value: unknown): string[] =>
  (asList(value) ?? []).map((item) => asRecord(item).Ref).filter((ref): ref is string => typeof ref === 'string');

const statementsOf = (document: unknown, holder: string, roles: readonly string[]): IamStatement[] =>
  (asList(asRecord(document).Statement) ?? []).map((raw) => {
    const statement = asRecord(raw);
    return {
      holder,
      roles,
      effect: String(statement.Effect),
      actions: asStrings(statement.Action),
      notActions: asStrings(statement.NotAction),
      resources: asList(statement.Resource),
      notResources: asList(statement.NotResource),
      condition: statement.Condition,
    };
  });

/**
 * Every identity-policy statement of the template: `AWS::IAM::Policy`, `AWS::IAM::ManagedPolicy`
 * and roles' inline `Policies`, each with the roles it reaches.
 */
export const iamStatements = (template: Template): IamStatement[] => {
  const resources = asRecord(template.toJSON().Resources);
  return Object.entries(resources).flatMap(([id, raw]) => {
    const resource = asRecord(raw);
    const props = asRecord(resource.Properties);
    switch (resource.Type) {
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy':
        return statementsOf(props.PolicyDocument, id, refsOf(props.Roles));
      case 'AWS::IAM::Role':
        return (asList(props.Policies) ?? []).flatMap((policy) => statementsOf(asRecord(policy).PolicyDocument, id, [id]));
      default:
        return [];
    }
  });
};

const globToRegExp = (pattern: string): RegExp =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');

/** Whether an Allow statement grants this action, through wildcards and NotAction included. */
export const allowsAction = (statement: IamStatement, action: string): boolean => {
  if (statement.effect !== 'Allow') return false;
  if (statement.notActions) return !statement.notActions.some((pattern) => globToRegExp(pattern).test(action));
  return (statement.actions ?? []).some((pattern) => globToRegExp(pattern).test(action));
};

/**
 * Whether the statement may reach the resource with this logical id of this service: it names it,
 * or a wildcard ARN of the service (or `*`), or uses NotResource. Conservative on purpose: a test
 * built on it errs towards failing.
 */
export const mayReach = (statement: IamStatement, logicalId: string, service: string): boolean => {
  if (statement.notResources) return true;
  return (statement.resources ?? []).some((resource) => {
    const text = JSON.stringify(resource);
    if (text.includes(`"${logicalId}"`)) return true;
    return text.includes('*') && (resource === '*' || text.includes(`:${service}:`) || text.includes(':*:'));
  });
};

/** Logical id of the key an alias points at. */
export const keyOfAlias = (template: Template, aliasName: string): string => {
  const aliases = template.findResources('AWS::KMS::Alias', { Properties: { AliasName: aliasName } });
  const [alias] = Object.values(aliases);
  const target = asRecord(asRecord(alias).Properties).TargetKeyId;
  const getAtt = asList(asRecord(target)['Fn::GetAtt']);
  if (!getAtt || typeof getAtt[0] !== 'string') throw new Error(`no key behind ${aliasName}`);
  return getAtt[0];
};
