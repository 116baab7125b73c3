import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { Template } from 'aws-cdk-lib/assertions';
import type { PatgateSettings } from '../../lib/patgate-settings';
import { PatgateStack } from '../../lib/patgate-stack';

export const TEST_ORIGIN = 'https://patgate-app.example.com';

export const cdkJsonContext = (): Record<string, unknown> => {
  const cdkJson = JSON.parse(readFileSync(path.join(__dirname, '../../cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
};


export interface SynthesizedPatgate {
  readonly stack: PatgateStack;
  readonly template: Template;
}

/**
 * The stack as `cdk synth` builds it (cdk.json's feature flags), without bundling: the Lambda code
 * is a placeholder asset, so a synth takes a second instead of six esbuild runs. CloudFormation
 * schema validation is left to `cdk synth` and the cdk-nag plugin test: it costs ~7 s per file.
 */
export const synthPatgate = (
  settings: Partial<PatgateSettings> = {},
  beforeSynth: (stack: PatgateStack) => void = () => undefined,
): SynthesizedPatgate => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'patgate-synth-'));
  const app = new App({ outdir, builtinCloudFormationValidation: false, context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  const stack = new PatgateStack(app, 'Patgate', {
    env: { region: 'us-east-1' },
    settings: { allowedOrigin: TEST_ORIGIN, appKey: 'patgate', tracing: false, ...settings },
  });
  beforeSynth(stack);
  try {
    return { stack, template: Template.fromStack(stack) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

/** The logical id CloudFormation knows a construct's resource by. */
export const logicalIdOf = (construct: IConstruct): string => {
  const resource = construct.node.defaultChild ?? construct;
  if (!CfnElement.isCfnElement(resource)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  const stack = Stack.of(resource);
  return String(stack.resolve(stack.getLogicalId(resource)));
};
