import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsInt, IsObject, IsOptional, Min } from 'class-validator';
import { DEFAULT_TRIAGE_POLICY } from '@chuishao/triage-domain';
import { SlaSchema, TriageRulesSchema } from './triage-policy.schema';

/**
 * POST /api/v1/policies/triage. `sla` and `rules` are checked as a whole by the domain
 * (validatePolicy → 422 with field errors); a GET answer can be edited and posted back:
 * `publishedAt`/`publishedBy` are read-only and ignored.
 */
export class PublishTriagePolicyRequestDto {
  @ApiPropertyOptional({ example: 2, description: '可选：要发布的版本号，必须等于当前版本 + 1，否则 409（防止覆盖他人刚发布的版本）/ optional: must equal the current version + 1, else 409' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;

  @ApiProperty({
    type: SlaSchema,
    example: { ...DEFAULT_TRIAGE_POLICY.sla, BLUE: { report: 'PT24H', arrive: 'PT48H', complete: 'P4D' } },
  })
  @IsDefined()
  @IsObject()
  sla!: Record<string, unknown>;

  @ApiProperty({ type: TriageRulesSchema, example: DEFAULT_TRIAGE_POLICY.rules })
  @IsDefined()
  @IsObject()
  rules!: Record<string, unknown>;

  @ApiPropertyOptional({ readOnly: true, description: '只读，忽略 / read-only, ignored' })
  @IsOptional()
  publishedAt?: unknown;

  @ApiPropertyOptional({ readOnly: true, description: '只读，忽略 / read-only, ignored' })
  @IsOptional()
  publishedBy?: unknown;
}
