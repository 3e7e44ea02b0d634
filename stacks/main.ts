// The CDK app entry (cdk.json): `npx cdk synth`, `npx cdk deploy --all -c stage=dev`.
import { buildApp } from './app.ts';

buildApp();
