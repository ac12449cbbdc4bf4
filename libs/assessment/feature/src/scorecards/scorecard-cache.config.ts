import { applyDecorators } from '@nestjs/common';
import { IsInt, Max, Min } from 'class-validator';
import { loadConfig, ToInt } from '@chuishao/platform';
import { ServiceConfig } from '@chuishao/service-kit';

const DEFAULT_SCORECARD_CACHE_MB = 256;

/** ASSESSMENT_SCORECARD_CACHE_MB: 0 … 65536 MiB; 0 turns the cache off. */
function ScorecardCacheMegabytes(): PropertyDecorator {
  return applyDecorators(
    ToInt(),
    IsInt({ message: 'must be an integer number of MiB (0 turns the scorecard cache off)' }),
    Min(0, { message: 'must be between 0 and 65536 (MiB; 0 turns the scorecard cache off)' }),
    Max(65536, { message: 'must be between 0 and 65536 (MiB; 0 turns the scorecard cache off)' }),
  );
}

/** The assessment service's environment (validated at boot by runService): the shared settings plus its own. */
export class AssessmentConfig extends ServiceConfig {
  /** Memory budget of the rendition cache of settled scorecards (ADR 0008), bodies plus their gzip. */
  @ScorecardCacheMegabytes()
  ASSESSMENT_SCORECARD_CACHE_MB: number = DEFAULT_SCORECARD_CACHE_MB;
}

/** Only the cache setting (what the feature module reads when it builds the renderer). */
class ScorecardCacheConfig {
  @ScorecardCacheMegabytes()
  ASSESSMENT_SCORECARD_CACHE_MB: number = DEFAULT_SCORECARD_CACHE_MB;
}

/** The cache budget in bytes from the environment; throws ConfigValidationError on a bad value. */
export function scorecardCacheBytes(env: NodeJS.ProcessEnv = process.env): number {
  return loadConfig(ScorecardCacheConfig, env).ASSESSMENT_SCORECARD_CACHE_MB * 1024 * 1024;
}
