import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { cleanTextInput, LEVELS } from '@chuishao/contracts';
import { MAX_REASON_LENGTH } from '@chuishao/triage-domain';

/** POST /api/v1/whistles/{id}/triage-override (contract §3). */
export class OverrideTriageRequestDto {
  @ApiProperty({ enum: LEVELS, example: 'RED', description: '改判后的级别，须与当前级别不同 / the new level; must differ from the current one' })
  @IsString()
  @IsIn(LEVELS)
  level!: 'RED' | 'YELLOW' | 'BLUE';

  @ApiProperty({ example: '现场核实液化气罐泄漏，危及周边住户，提级处置', minLength: 2, maxLength: MAX_REASON_LENGTH, description: '改判理由（必填，去除首尾空格后至少 2 个字）/ reason, required, ≥ 2 characters after trimming' })
  @Transform(({ value }) => cleanTextInput(value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_REASON_LENGTH)
  reason!: string;
}

export class OverrideTriageResponse {
  @ApiProperty({ format: 'uuid' })
  whistleId!: string;
  @ApiProperty({ enum: LEVELS, example: 'RED', description: '改判后的级别 / the level now' })
  level!: string;
  @ApiProperty({ enum: LEVELS, example: 'BLUE', description: '改判前的级别 / the level before' })
  from!: string;
  @ApiProperty({ example: '现场核实液化气罐泄漏，危及周边住户，提级处置' })
  reason!: string;
  @ApiProperty({ example: 1, description: '哨件分级所用的策略版本（改判不改变版本）/ the whistle’s policy version (unchanged by an override)' })
  policyVersion!: number;
}
