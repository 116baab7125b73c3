#!/usr/bin/env node
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PatgateStage, stageIdOf } from '../lib/patgate-stage';
import { readPatgateSettings } from '../lib/patgate-settings';

const app = new App();
const settings = readPatgateSettings(app.node);
// Each environment is a Stage pinning its own account (context `account`) and Region, so a deploy
// with the wrong credentials fails instead of landing in another account. Without an account, `cdk synth` needs
// no credentials and no lookups (environment-agnostic account, resolved at deploy time).
const account: unknown = app.node.tryGetContext('account');
if (account !== undefined && (typeof account !== 'string' || !/^\d{12}$/.test(account))) throw new Error('context account must be a 12-digit AWS account id');
if (settings.production && account === undefined) throw new Error('a production synth (production=true) needs context account (the 12-digit AWS account id it deploys to). See docs/deploying.md.');
const region: unknown = app.node.tryGetContext('region') ?? process.env.CDK_DEFAULT_REGION ?? 'us-east-1';
// Stacks `Patgate-<environment>-Data` and `Patgate-<environment>-App` (docs/deploying.md).
new PatgateStage(app, stageIdOf(settings), {
  env: { account: typeof account === 'string' ? account : undefined, region: String(region) },
  settings,
});
Tags.of(app).add('app', 'patgate');
if (settings.environmentName) Tags.of(app).add('environment', settings.environmentName);
// cdk-nag 3 is a policy validation plugin: any unacknowledged AwsSolutions finding fails synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
