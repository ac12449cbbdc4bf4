import { ApiProperty } from '@nestjs/swagger';

/** OpenAPI only: GET /api/v1/assessment/annual (contract §12). */
class AnnualPeriodDto {
  @ApiProperty({ example: '2026-Q3' }) period!: string;
  @ApiProperty({ example: 1, description: '该期计分所用评分办法版本 / policy version of that period' }) policyVersion!: number;
  @ApiProperty({ example: '2026-10-08T01:00:00.000Z' }) asOf!: string;
  @ApiProperty({ nullable: true, type: String }) closedAt!: string | null;
  @ApiProperty({ example: 1, description: '所用考核表版本（已关闭并经申诉修订的取最新版）/ scorecard version used (the latest amended one)' }) version!: number;
}

class AnnualRowPeriodDto {
  @ApiProperty({ example: '2026-Q3' }) period!: string;
  @ApiProperty({ nullable: true, type: Number, example: 88.5 }) total!: number | null;
  @ApiProperty({ example: 12 }) counted!: number;
}

class AnnualRowDto {
  @ApiProperty({ format: 'uuid' }) departmentId!: string;
  @ApiProperty({ example: '和平区消防救援支队' }) name!: string;
  @ApiProperty({ nullable: true, type: Number, example: 86.4, description: '各期总分按计入件数加权平均；无计入件为 null / period totals weighted by counted assignments' }) score!: number | null;
  @ApiProperty({ example: 40, description: '全年计入件数（minimumSample 据此判断）/ counted assignments of the periods used' }) counted!: number;
  @ApiProperty({ nullable: true, enum: ['EXCELLENT', 'GOOD', 'AVERAGE'] }) grade!: string | null;
  @ApiProperty({ nullable: true, type: Number, example: 1 }) rank!: number | null;
  @ApiProperty({ example: false, description: '样本不足 / fewer counted assignments than minimumSample' }) insufficientSample!: boolean;
  @ApiProperty({ nullable: true, type: Number, example: 25.92, description: 'score × annualShare：本考核为部门年度绩效带来的分值 / the points this assessment brings to the annual grade' })
  annualContribution!: number | null;
  @ApiProperty({ type: [AnnualRowPeriodDto] }) periods!: AnnualRowPeriodDto[];
}

export class AnnualResponseDto {
  @ApiProperty({ example: 2026 }) year!: number;
  @ApiProperty({ example: 1, description: '1 月 1 日生效的评分办法版本（annualShare、annualFrom、minimumSample、等级）/ the version in force on 1 January' }) policyVersion!: number;
  @ApiProperty({ example: '0.30' }) annualShare!: string;
  @ApiProperty({ enum: ['QUARTERS', 'MONTHS'] }) annualFrom!: string;
  @ApiProperty({ type: [AnnualPeriodDto], description: '所用各期（已开始的）/ the periods used (those started by asOf)' }) periods!: AnnualPeriodDto[];
  @ApiProperty({ example: '2027-01-05T01:00:00.000Z' }) asOf!: string;
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone!: string;
  @ApiProperty({ type: [AnnualRowDto] }) rows!: AnnualRowDto[];
}
