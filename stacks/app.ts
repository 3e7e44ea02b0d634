import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiStack } from './api-stack.ts';
import { DataStack } from './data-stack.ts';
import { type Stage, stageFromContext } from './stage.ts';

export interface SparegrisApp {
  app: App;
  stage: Stage;
  data: DataStack;
  api: ApiStack;
}

/** Builds the whole CDK app; cdk-nag's AwsSolutions pack checks it at synth. */
export function buildApp(app = new App()): SparegrisApp {
  const stage = stageFromContext(app);
  const data = new DataStack(app, `sparegris-${stage}-data`, { stage });
  const api = new ApiStack(app, `sparegris-${stage}-api`, { stage });
  Tags.of(app).add('project', 'sparegris');
  Tags.of(app).add('stage', stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stage, data, api };
}
