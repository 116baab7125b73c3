#!/usr/bin/env node
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PatgateStack } from '../lib/patgate-stack';
import { readPatgateSettings } from '../lib/patgate-settings';

const app = new App();
// A region and no account: `cdk synth` needs no credentials and no lookups (environment-agnostic
// account, resolved at deploy time).
new PatgateStack(app, 'Patgate', {
  env: { region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1' },
  description: 'patgate: Jira Cloud app backend that acts on git hosts with users\' own tokens',
  settings: readPatgateSettings(app.node),
});
Tags.of(app).add('app', 'patgate');
// cdk-nag 3 is a policy validation plugin: any unacknowledged AwsSolutions finding fails synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
