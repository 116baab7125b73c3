import { Stage, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PatgateDataStack } from './patgate-data-stack';
import { namePrefixOf, type PatgateSettings } from './patgate-settings';
import { PatgateStack } from './patgate-stack';

export interface PatgateStageProps extends StageProps {
  readonly settings: PatgateSettings;
}

/** The stage's id, and so its stacks' names: `Patgate-<environment>-Data` and `-App`. */
export const stageIdOf = (settings: PatgateSettings): string => (settings.environmentName ? `Patgate-${settings.environmentName}` : 'Patgate');

/**
 * One environment (docs/deploying.md): its account and Region pinned by the stage's `env`, and two
 * stacks, `<stage>-Data` (keys, table, queues: retained, deployed first) and `<stage>-App`
 * (everything else, replaceable). `npx cdk deploy '<stage>/*'` deploys both in order.
 */
export class PatgateStage extends Stage {
  public readonly data: PatgateDataStack;
  public readonly app: PatgateStack;

  constructor(scope: Construct, id: string, props: PatgateStageProps) {
    super(scope, id, props);
    const namePrefix = namePrefixOf(props.settings);
    this.data = new PatgateDataStack(this, 'Data', {
      settings: props.settings,
      namePrefix,
      description: 'patgate: retained state (credentials key, table and its backups, deletion queues)',
    });
    this.app = new PatgateStack(this, 'App', {
      settings: props.settings,
      stateful: this.data,
      description: 'patgate: Jira Cloud app backend that acts on git hosts with users\' own tokens',
    });
  }
}
