export { TriageFeatureModule } from './triage-feature.module';
