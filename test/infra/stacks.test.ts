import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { functionNames } from '../../lib/function-specs';
import { PRODUCTION_CONTEXT } from './production-context';
import { logicalIdOf, synthFromContext, synthPatgate } from './synth-patgate';

type Resource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
type Json = { Resources: Record<string, Resource>; Outputs?: Record<string, { Value: unknown }> };

/** The resource mapping of docs/operations.md ("Recreating the stacks"), as the runbook hands it to `cdk import`. */
const runbookMapping = (): Record<string, Record<string, string>> => {
  const text = readFileSync(path.join(__dirname, '../../docs/operations.md'), 'utf8');
  const block = /<!-- import-mapping -->\s*```json\n([\s\S]*?)```/.exec(text)?.[1];
  if (!block) throw new Error('docs/operations.md has no import-mapping block');
  return JSON.parse(block) as Record<string, Record<string, string>>;
};

/**
 * What CloudFormation identifies an imported resource by: each type's primary identifier, which the
 * data stack's outputs carry (below). Written from the resource types' reference pages; not checked
 * against a real import here (no AWS account).
 */
const IMPORT_IDENTIFIER: Readonly<Record<string, string>> = {
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::KMS::Key': 'KeyId',
  'AWS::SQS::Queue': 'QueueUrl',
  'AWS::Backup::BackupVault': 'BackupVaultName',
};

describe('two stacks per environment: the retained state apart from the replaceable application', () => {
  const { stage, dataStack, stack, dataTemplate, appTemplate } = synthPatgate();
  const data = dataTemplate.toJSON() as Json;
  const app = appTemplate.toJSON() as Json;
  const typesOf = (json: Json) => Object.values(json.Resources).map((r) => r.Type);

  it('the data stack holds the credentials key, the table with its backups and the deletion queues, and no code', () => {
    expect([...new Set(typesOf(data))].sort()).toEqual([
      'AWS::Backup::BackupPlan',
      'AWS::Backup::BackupSelection',
      'AWS::Backup::BackupVault',
      'AWS::DynamoDB::Table',
      'AWS::IAM::Role',
      'AWS::KMS::Alias',
      'AWS::KMS::Key',
      'AWS::SQS::Queue',
      'AWS::SQS::QueuePolicy',
    ]);
    expect(typesOf(data).filter((t) => t === 'AWS::SQS::Queue')).toHaveLength(2);
  });

  it('the application stack holds no table, no credentials key and no deletion queue: it can be destroyed and deployed again', () => {
    expect(typesOf(app)).not.toContain('AWS::DynamoDB::Table');
    expect(typesOf(app)).not.toContain('AWS::Backup::BackupVault');
    for (const construct of [stack.data.table, stack.keys.credentials, stack.deletionQueue.queue, stack.deletionQueue.deadLetters]) {
      expect(app.Resources[logicalIdOf(construct)]).toBeUndefined();
      expect(data.Resources[logicalIdOf(construct)]).toBeDefined();
    }
    // What the application stack keeps when it goes is history only (log groups, the topics' keys),
    // each without a fixed name, so a new stack never clashes with what the old one left.
    for (const [id, resource] of Object.entries(app.Resources).filter(([, r]) => r.DeletionPolicy === 'Retain')) {
      expect({ id, kept: ['AWS::Logs::LogGroup', 'AWS::KMS::Key'].includes(resource.Type) }).toEqual({ id, kept: true });
      expect(resource.Properties?.LogGroupName).toBeUndefined();
    }
  });

  it('the application refers to the data stack by its outputs (Fn::GetStackOutput, no export lock), never the other way', () => {
    const appText = JSON.stringify(app);
    expect(appText).toContain(`"Fn::GetStackOutput":{"StackName":"${dataStack.stackName}"`);
    expect(appText).not.toContain('Fn::ImportValue');
    expect(JSON.stringify(data)).not.toContain('Fn::GetStackOutput');
    expect(JSON.stringify(data)).not.toContain('Fn::ImportValue');
    expect(stack.dependencies).toEqual([dataStack]);
    expect(dataStack.dependencies).toEqual([]);
    expect([dataStack.stackName, stack.stackName]).toEqual([`${stage.stageName}-Data`, `${stage.stageName}-App`]);
  });

  it('retains the key, the table, both queues and the backup vault, under logical ids the runbook\'s import mapping names', () => {
    const retained = Object.entries(data.Resources).filter(([, r]) => r.DeletionPolicy === 'Retain');
    for (const [, resource] of retained) expect(resource.UpdateReplacePolicy).toBe('Retain');
    const mapping = runbookMapping();
    expect(retained.map(([id]) => id).sort()).toEqual(Object.keys(mapping).sort());
    for (const [id, identifier] of Object.entries(mapping)) {
      const type = data.Resources[id]?.Type ?? '';
      expect({ id, keys: Object.keys(identifier) }).toEqual({ id, keys: [IMPORT_IDENTIFIER[type]] });
    }
    // The constructs the runbook describes are the ones behind those ids.
    expect(Object.keys(mapping).sort()).toEqual(
      [dataStack.data.table, dataStack.keys.credentials, dataStack.deletionQueue.queue, dataStack.deletionQueue.deadLetters, dataStack.recovery.vault].map((c) => logicalIdOf(c)).sort(),
    );
  });

  it('outputs every retained resource\'s physical id, which is what the mapping asks for', () => {
    const outputs = data.Outputs ?? {};
    expect(outputs.TableName?.Value).toEqual({ Ref: logicalIdOf(dataStack.data.table) });
    expect(outputs.CredentialsKeyId?.Value).toEqual({ Ref: logicalIdOf(dataStack.keys.credentials) });
    expect(outputs.DeletionQueueUrl?.Value).toEqual({ Ref: logicalIdOf(dataStack.deletionQueue.queue) });
    expect(outputs.DeletionDeadLettersUrl?.Value).toEqual({ Ref: logicalIdOf(dataStack.deletionQueue.deadLetters) });
    expect(outputs.BackupVaultName?.Value).toEqual({ 'Fn::GetAtt': [logicalIdOf(dataStack.recovery.vault), 'BackupVaultName'] });
  });
});

describe('CDK Stages pin account and Region per environment; names carry the environment', () => {
  const prod = synthFromContext({ ...PRODUCTION_CONTEXT, account: '123456789012' });
  const staging = synthFromContext({ ...PRODUCTION_CONTEXT, environment: 'staging', domainName: 'patgate-staging.example.com', account: '123456789012' });

  it('each stack of a stage deploys to the stage\'s account and Region only', () => {
    for (const s of [prod.stack, prod.dataStack]) expect([s.account, s.region]).toEqual(['123456789012', 'us-east-1']);
    expect([prod.stack.stackName, prod.dataStack.stackName]).toEqual(['Patgate-App', 'Patgate-Data'].map((n) => n.replace('Patgate', prod.stage.stageName)));
  });

  it('production protects the data stack from deletion', () => {
    expect(prod.dataStack.terminationProtection).toBe(true);
    expect(synthPatgate().dataStack.terminationProtection).toBe(false);
  });

  it('two environments in one account share no physical name (key aliases, bus, dashboard, alarms, vault, plan, roles, rules)', () => {
    const NAME_KEYS = ['AliasName', 'Name', 'DashboardName', 'AlarmName', 'BackupVaultName', 'RoleName', 'BackupPlanName', 'RuleName'];
    // A Lambda alias's name (`live`) is per function, not per account.
    const PER_PARENT = new Set(['AWS::Lambda::Alias']);
    const namesOf = (...templates: { toJSON(): unknown }[]): string[] =>
      templates.flatMap((t) =>
        Object.values((t.toJSON() as Json).Resources).filter((r) => !PER_PARENT.has(r.Type)).flatMap((r) => {
          const props = r.Properties ?? {};
          const plan = (props.BackupPlan as { BackupPlanName?: unknown } | undefined)?.BackupPlanName;
          return [...NAME_KEYS.map((k) => props[k]), plan].filter((v): v is string => typeof v === 'string');
        }),
      );
    const prodNames = namesOf(prod.appTemplate, prod.dataTemplate);
    const stagingNames = namesOf(staging.appTemplate, staging.dataTemplate);
    expect(prodNames.length).toBeGreaterThanOrEqual(functionNames.length + 5);
    expect(prodNames.filter((n) => stagingNames.includes(n))).toEqual([]);
    for (const name of prodNames) expect(name).toMatch(/prod/);
  });
});
