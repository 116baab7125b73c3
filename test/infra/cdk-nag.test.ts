import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { PatgateStack } from '../../lib/patgate-stack';
import { PatgateStage } from '../../lib/patgate-stage';
import { cdkJsonContext, synthPatgate } from './synth-patgate';

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: unknown;
}

const acknowledgementsUnder = (root: IConstruct): Acknowledgement[] =>
  root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, unknown>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );

const describeViolations = (violations: { ruleName: string; violatingResources: { constructPath?: string }[] }[]): string[] =>
  violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath ?? '?'}`));

describe('cdk-nag AwsSolutions checks (DESIGN §10)', () => {
  // Tracing on: the configuration with the most acknowledgements.
  // The whole environment: the data stack and the application stack.
  const { stage: traced } = synthPatgate({ tracing: true });

  it.each([
    ['off', () => synthPatgate().stage],
    ['on', () => traced],
  ])('finds nothing unacknowledged in either stack (tracing %s)', (_tracing, stageOf) => {
    const stage = stageOf();
    for (const stack of [stage.data, stage.app]) {
      const report = new AwsSolutionsChecks().validateScope(stack);
      expect(describeViolations(report.violations)).toEqual([]);
      expect(report.success).toBe(true);
    }
  });

  it('justifies every acknowledgement in code, on the resource it excuses, never on the whole stack', () => {
    const acknowledgements = acknowledgementsUnder(traced);
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const ack of acknowledgements) {
      expect([traced.node.path, traced.data.node.path, traced.app.node.path]).not.toContain(ack.path);
      expect(typeof ack.reason).toBe('string');
      expect(String(ack.reason).length).toBeGreaterThan(40);
    }
    const counts = new Map<string, number>();
    for (const ack of acknowledgements) counts.set(ack.id, (counts.get(ack.id) ?? 0) + 1);
    console.log(`acknowledged: ${[...counts].map(([id, n]) => `${id} x${n}`).join(', ')}`);
  });

  it('acknowledges only findings that exist (no stale acknowledgement hides a future one)', () => {
    const pack = new AwsSolutionsChecks();
    // Reads the raw findings by disabling cdk-nag's acknowledgement lookup on this one instance.
    Reflect.set(pack, 'isAcknowledged', () => false);
    const raw = [traced.data, traced.app].flatMap((stack) => pack.validateScope(stack).violations);
    for (const ack of acknowledgementsUnder(traced)) {
      const excused = raw.some(
        (v) => v.ruleName === ack.id && v.violatingResources.some((r) => r.constructPath === ack.path || r.constructPath?.startsWith(`${ack.path}/`)),
      );
      expect({ ack: `${ack.id} @ ${ack.path}`, excused }).toEqual({ ack: `${ack.id} @ ${ack.path}`, excused: true });
    }
  });

  const synthWithPlugin = (plant?: (stack: PatgateStack) => void): void => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'patgate-nag-'));
    try {
      // CloudFormation schema validation off for speed (~25 s here); `cdk synth` runs it.
      const app = new App({ outdir, builtinCloudFormationValidation: false, context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
      const stage = new PatgateStage(app, 'Patgate', { env: { region: 'us-east-1' }, settings: { appKey: 'patgate', tracing: false } });
      plant?.(stage.app);
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      app.synth();
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  };

  it('passes as the policy validation plugin bin/patgate.ts registers, which fails synth on a finding in either stack', () => {
    expect(() => synthWithPlugin()).not.toThrow();
    expect(() => synthWithPlugin((stack) => new kms.Key(stack, 'UnrotatedKey'))).toThrow(/AwsSolutions-KMS5/);
    expect(() => synthWithPlugin((stack) => new kms.Key(stack.keys, 'UnrotatedDataKey'))).toThrow(/AwsSolutions-KMS5/);
  });
});
