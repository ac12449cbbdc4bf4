export { IntakeFeatureModule } from './intake-feature.module';
