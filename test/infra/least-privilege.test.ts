import * as iam from 'aws-cdk-lib/aws-iam';
import type { Template } from 'aws-cdk-lib/assertions';
import { functionNames, functionRoleName, type FunctionName } from '../../lib/function-specs';
import type { PatgateSettings } from '../../lib/patgate-settings';
import type { PatgateStack } from '../../lib/patgate-stack';
import { allowsAction, iamStatements, keyOfAlias, mayReach, type IamStatement } from './iam-statements';
import { logicalIdOf, synthPatgate } from './synth-patgate';

// Written from DESIGN §6 and the stores each handler uses, not from lib/function-specs.ts: the
// template must match this. tokens' ConditionCheckItem: TokenStore.save's transaction; gitAction's
// DeleteItem: IdempotencyStore.release after a failed action. ConditionCheckItem everywhere a tenant's
// data is written (the tenant-installed check); tokenExpiry's Query/PutItem/DeleteItem drain the audit outbox.
// Deletions (lambdas/deletion): lifecycle and admin write only the O(1) part (a transaction deleting
// the tenant or integration item and putting its marker) and enqueue the job; the deletion worker
// reads pages and deletes in batches, and never puts or updates an item.
const TABLE_ACTIONS: Record<FunctionName, string[]> = {
  public: [],
  // lifecycle also serves the personal data report (docs/privacy.md): user markers, pseudonyms, idempotency deletes.
  lifecycle: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'BatchWriteItem', 'ConditionCheckItem'],
  admin: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'ConditionCheckItem'],
  tokens: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'BatchGetItem', 'ConditionCheckItem'],
  gitAction: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'Query', 'DeleteItem', 'ConditionCheckItem'],
  tokenExpiry: ['GetItem', 'UpdateItem', 'Query', 'PutItem', 'ConditionCheckItem', 'DeleteItem'],
  deletion: ['GetItem', 'Query', 'BatchGetItem', 'BatchWriteItem', 'DeleteItem'],
};
const INDEX_ACTIONS: Record<FunctionName, string[]> = {
  public: [],
  // The personal data report rewrites a closed account's audit entries, found by actor.
  lifecycle: ['byAuditActor:Query'],
  // GET /api/admin/integrations counts tokens expiring within 7 days per integration;
  // GET /api/admin/audit?accountId= reads the audit by actor.
  admin: ['byExpiry:Query', 'byAuditActor:Query'],
  tokens: [],
  gitAction: [],
  tokenExpiry: ['byExpiry:Query', 'byReverify:Query'],
  deletion: [],
};

interface Fixture {
  readonly stack: PatgateStack;
  readonly template: Template;
  readonly statements: IamStatement[];
  readonly roleOf: Record<FunctionName, string>;
  readonly credentialsKey: string;
  readonly table: string;
}

const fixture = (tamper?: (stack: PatgateStack) => void, settings: Partial<PatgateSettings> = {}): Fixture => {
  const { stack, template } = synthPatgate(settings, tamper);
  const roleOf = Object.fromEntries(functionNames.map((name) => [name, logicalIdOf(stack.functions.roleOf(name))])) as Record<FunctionName, string>;
  return {
    stack,
    template,
    statements: iamStatements(template),
    roleOf,
    credentialsKey: keyOfAlias(template, 'alias/patgate/credentials'),
    table: logicalIdOf(stack.data.table),
  };
};

/** Functions (by name; unknown roles by logical id) whose policies allow `action` on the resource. */
const functionsAllowed = (f: Fixture, action: string, resourceId: string, service: string): string[] => {
  const nameOfRole = new Map(Object.entries(f.roleOf).map(([name, role]) => [role, name]));
  const roles = f.statements
    .filter((statement) => allowsAction(statement, action) && mayReach(statement, resourceId, service))
    .flatMap((statement) => statement.roles);
  return [...new Set(roles.map((role) => nameOfRole.get(role) ?? role))].sort();
};

const statementsOfRole = (f: Fixture, name: FunctionName): IamStatement[] =>
  f.statements.filter((statement) => statement.roles.includes(f.roleOf[name]));

describe('least privilege (DESIGN §6)', () => {
  const f = fixture();

  it('lets only git-action and token-expiry kms:Decrypt the credentials key, across every policy of the template', () => {
    expect(functionsAllowed(f, 'kms:Decrypt', f.credentialsKey, 'kms')).toEqual(['gitAction', 'tokenExpiry']);
  });

  it('catches a planted over-broad grant (the walk above can fail)', () => {
    const tampered = fixture((stack) => {
      stack.functions.roleOf('admin').addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:*'], resources: ['*'] }));
      stack.functions.roleOf('tokens').addToPrincipalPolicy(
        new iam.PolicyStatement({ notActions: ['s3:*'], resources: [stack.keys.credentials.keyArn] }),
      );
    });
    expect(functionsAllowed(tampered, 'kms:Decrypt', tampered.credentialsKey, 'kms')).toEqual(['admin', 'gitAction', 'tokenExpiry', 'tokens']);
  });

  it('binds every credentials-key decrypt to the purposes of the encryption context', () => {
    const decrypts = (name: FunctionName) =>
      statementsOfRole(f, name).filter((s) => allowsAction(s, 'kms:Decrypt') && mayReach(s, f.credentialsKey, 'kms'));
    expect(decrypts('gitAction').map((s) => s.condition)).toEqual([
      { StringEquals: { 'kms:EncryptionContext:purpose': ['user-pat', 'service-credential'] } },
    ]);
    expect(decrypts('tokenExpiry').map((s) => s.condition)).toEqual([{ StringEquals: { 'kms:EncryptionContext:purpose': ['user-pat'] } }]);
  });

  it('lets admin and tokens encrypt with the credentials key (KMS Encrypt) for their own purpose only, and nobody generate data keys', () => {
    expect(functionsAllowed(f, 'kms:Encrypt', f.credentialsKey, 'kms')).toEqual(['admin', 'tokens']);
    const purposeOf = (name: FunctionName) =>
      statementsOfRole(f, name)
        .filter((s) => allowsAction(s, 'kms:Encrypt') && mayReach(s, f.credentialsKey, 'kms'))
        .map((s) => s.condition);
    expect(purposeOf('admin')).toEqual([{ StringEquals: { 'kms:EncryptionContext:purpose': ['service-credential'] } }]);
    expect(purposeOf('tokens')).toEqual([{ StringEquals: { 'kms:EncryptionContext:purpose': ['user-pat'] } }]);
    expect(functionsAllowed(f, 'kms:GenerateDataKey', f.credentialsKey, 'kms')).toEqual([]);
    expect(functionsAllowed(f, 'kms:ReEncryptFrom', f.credentialsKey, 'kms')).toEqual([]);
  });

  const keyPolicyOf = (x: Fixture): Record<string, unknown>[] =>
    (x.template.toJSON().Resources[x.credentialsKey] as { Properties: { KeyPolicy: { Statement: Record<string, unknown>[] } } }).Properties.KeyPolicy.Statement;

  it('has the credentials key policy deny kms:Decrypt to every principal but git-action and token-expiry', () => {
    const denies = keyPolicyOf(f).filter((s) => s.Effect === 'Deny' && s.Action === 'kms:Decrypt');
    expect(denies).toHaveLength(1);
    expect(denies[0]).toMatchObject({ Action: 'kms:Decrypt', Principal: { AWS: '*' }, Resource: '*' });
    // The key lives in the data stack and names the roles (no reference into the application stack)…
    const decrypters: FunctionName[] = ['gitAction', 'tokenExpiry'];
    expect(denies[0]?.Condition).toEqual({
      ArnNotEquals: { 'aws:PrincipalArn': decrypters.map((name) => ({ 'Fn::Join': ['', ['arn:aws:iam::', { Ref: 'AWS::AccountId' }, `:role/${functionRoleName('patgate', name)}`]] })) },
    });
    // …and those are the names the functions' roles carry, or the deny would lock the functions out.
    for (const name of functionNames) {
      const role = f.template.toJSON().Resources[f.roleOf[name]] as { Properties: { RoleName?: string } };
      expect(role.Properties.RoleName).toBe(functionRoleName('patgate', name));
    }
    expect(new Set(functionNames.map((name) => functionRoleName('patgate', name))).size).toBe(functionNames.length);
  });

  it('denies kms:ReEncrypt* to everyone: an administrator with kms:* cannot re-wrap a PAT\'s data key under a key of their own', () => {
    expect(keyPolicyOf(f)).toContainEqual({ Sid: 'DenyReEncrypt', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:ReEncrypt*', Resource: '*' });
  });

  it('denies policy, grant and replica changes to all but the deploy role and the named break-glass role', () => {
    const breakGlass = 'arn:aws:iam::123456789012:role/patgate-break-glass';
    const guarded = fixture(undefined, { breakGlassRoleArn: breakGlass });
    const deny = keyPolicyOf(guarded).find((s) => s.Sid === 'DenyKeyAdministrationToAllButDeployAndBreakGlass');
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: ['kms:CreateGrant', 'kms:PutKeyPolicy', 'kms:ReplicateKey', 'kms:UpdatePrimaryRegion'] });
    const allowed = JSON.stringify(guarded.stack.resolve((deny?.Condition as { ArnNotLike: Record<string, unknown> }).ArnNotLike['aws:PrincipalArn']));
    expect(allowed).toContain(breakGlass);
    expect(allowed).toContain('cfn-exec-role');
    // Without a break-glass role, only the deploy role may.
    const plain = keyPolicyOf(f).find((s) => s.Sid === 'DenyKeyAdministrationToAllButDeployAndBreakGlass');
    expect(JSON.stringify(plain?.Condition)).not.toContain('break-glass');
  });

  it('alerts on key administration through CloudTrail, straight to the alarm topic', () => {
    const rules = Object.values(f.template.findResources('AWS::Events::Rule')).map((r) => (r as { Properties: Record<string, unknown> }).Properties);
    const rule = rules.find((r) => JSON.stringify(r.EventPattern).includes('AWS API Call via CloudTrail'));
    expect(rule?.EventPattern).toMatchObject({
      source: ['aws.kms'],
      detail: {
        eventSource: ['kms.amazonaws.com'],
        eventName: expect.arrayContaining(['PutKeyPolicy', 'CreateGrant', 'ReEncrypt', 'ReplicateKey']) as unknown,
        resources: { ARN: [{ 'Fn::GetAtt': [f.credentialsKey, 'Arn'] }] },
      },
    });
    expect(rule?.Targets).toEqual([expect.objectContaining({ Arn: { Ref: logicalIdOf(f.stack.monitoring.topic) } })]);
  });

  it('gives each function exactly the DynamoDB actions it uses, on the table or the named indexes only', () => {
    for (const name of functionNames) {
      const onTable = new Set<string>();
      const onIndexes = new Set<string>();
      for (const statement of statementsOfRole(f, name).filter((s) => s.actions?.some((a) => a.startsWith('dynamodb:')))) {
        for (const resource of statement.resources ?? []) {
          const target = tableTarget(resource, f.table);
          for (const action of statement.actions ?? []) {
            const short = action.replace(/^dynamodb:/, '');
            if (target === 'table') onTable.add(short);
            else onIndexes.add(`${target}:${short}`);
          }
        }
      }
      expect({ name, table: [...onTable].sort(), indexes: [...onIndexes].sort() }).toEqual({
        name,
        table: [...TABLE_ACTIONS[name]].sort(),
        indexes: [...INDEX_ACTIONS[name]].sort(),
      });
    }
  });

  it('uses no managed policy and no wildcard action on any function role', () => {
    for (const name of functionNames) {
      const role = f.template.toJSON().Resources[f.roleOf[name]] as { Properties: Record<string, unknown> };
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      const actions = statementsOfRole(f, name).flatMap((s) => [...(s.actions ?? []), ...(s.notActions ? ['NotAction'] : [])]);
      expect(actions.filter((action) => action.includes('*') || action === 'NotAction')).toEqual([]);
    }
  });

  it('lets each function write its own log group only', () => {
    for (const name of functionNames) {
      const logGroup = logicalIdOf(f.stack.functions.byName[name].logGroup);
      const writes = statementsOfRole(f, name).filter((s) => allowsAction(s, 'logs:PutLogEvents'));
      expect(writes.map((s) => s.resources)).toEqual([[{ 'Fn::GetAtt': [logGroup, 'Arn'] }]]);
    }
  });

  it('lets only token-expiry put events, on the patgate bus, as patgate.tokens', () => {
    const bus = logicalIdOf(f.stack.schedule.eventBus);
    expect(functionsAllowed(f, 'events:PutEvents', bus, 'events')).toEqual(['admin', 'tokenExpiry']);
    const [statement] = statementsOfRole(f, 'tokenExpiry').filter((s) => allowsAction(s, 'events:PutEvents'));
    expect(statement?.resources).toEqual([{ 'Fn::GetAtt': [bus, 'Arn'] }]);
    expect(statement?.condition).toEqual({ StringEquals: { 'events:source': 'patgate.tokens' } });
  });

  it('lets lifecycle, admin and the deletion worker send to the deletion queue, only the worker consume it, and nobody else touch it', () => {
    const queue = logicalIdOf(f.stack.deletionQueue.queue);
    const deadLetters = logicalIdOf(f.stack.deletionQueue.deadLetters);
    expect(functionsAllowed(f, 'sqs:SendMessage', queue, 'sqs')).toEqual(['admin', 'deletion', 'lifecycle']);
    for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']) expect(functionsAllowed(f, action, queue, 'sqs')).toEqual(['deletion']);
    for (const action of ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:PurgeQueue']) expect(functionsAllowed(f, action, deadLetters, 'sqs')).toEqual([]);
    const sqsStatements = f.statements.filter((s) => s.actions?.some((a) => a.startsWith('sqs:')) && functionNames.some((name) => s.roles.includes(f.roleOf[name])));
    for (const statement of sqsStatements) expect(statement.resources).toEqual([{ 'Fn::GetAtt': [queue, 'Arn'] }]);
  });

  it('gives the public function nothing beyond its logs', () => {
    const actions = statementsOfRole(f, 'public').flatMap((s) => s.actions ?? []);
    expect(actions.sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
  });
});

/** 'table', an index name, or the resource's JSON when it is neither (which fails the test). */
const tableTarget = (resource: unknown, table: string): string => {
  const text = JSON.stringify(resource);
  if (text === JSON.stringify({ 'Fn::GetAtt': [table, 'Arn'] })) return 'table';
  const index = /^\{"Fn::Join":\["",\[\{"Fn::GetAtt":\["(\w+)","Arn"\]\},"\/index\/(\w+)"\]\]\}$/.exec(text);
  if (index && index[1] === table && index[2]) return index[2];
  return text;
};
