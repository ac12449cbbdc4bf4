import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** The shape of GET /api/v1/public/departments (the controller sends plain JSON), for the OpenAPI document. */

const rate = (zh: string, en: string) =>
  ({ type: Number, nullable: true, minimum: 0, maximum: 100, description: `${zh}（百分数，两位小数；无数据为 null）/ ${en} (percent, 2 decimals; null without data)` }) as const;

@ApiSchema({ name: 'PublicRatesTrendPoint' })
class PublicRatesTrendPointDto {
  @ApiProperty({ example: '2026-10' }) period!: string;
  @ApiProperty({ ...rate('响应率', 'response rate'), example: 95.24 }) responseRate!: number | null;
  @ApiProperty({ ...rate('按时办结率', 'on-time completion rate'), example: 88.89 }) onTimeRate!: number | null;
  @ApiProperty({ ...rate('满意率', 'satisfaction rate'), example: null }) satisfactionRate!: number | null;
}

@ApiSchema({ name: 'PublicDepartmentRates' })
class PublicDepartmentRatesDto {
  @ApiProperty({ format: 'uuid', example: '90c4452e-f2b5-5aac-a8a9-3515eb0a3e2d' }) departmentId!: string;
  @ApiProperty({ example: '和平区消防救援支队' }) name!: string;
  @ApiProperty({ example: 'Heping District Fire and Rescue Detachment' }) nameEn!: string;
  @ApiProperty({ example: 21, minimum: 0, description: '当期派单数（响应率的分母）/ assignments summoned in the period (the response rate’s denominator)' }) assignments!: number;
  @ApiProperty({ example: 18, minimum: 0, description: '计入办结考核的派单数（按时办结率的分母）/ assignments the completion counts (the on-time rate’s denominator)' }) counted!: number;
  @ApiProperty({ example: 0, minimum: 0, description: '群众评价数（满意率的样本）/ feedback answers (the satisfaction rate’s sample)' }) feedbackResponses!: number;
  @ApiProperty({ ...rate('响应率', 'response rate'), example: 95.24 }) responseRate!: number | null;
  @ApiProperty({ ...rate('按时办结率', 'on-time completion rate'), example: 88.89 }) onTimeRate!: number | null;
  @ApiProperty({ ...rate('满意率', 'satisfaction rate'), example: null }) satisfactionRate!: number | null;
  @ApiProperty({ type: [PublicRatesTrendPointDto], description: '含本期在内最近 6 个已关闭的同类考核期（旧→新）/ the last 6 closed periods of the kind, this one included, oldest first' })
  trend!: PublicRatesTrendPointDto[];
}

/** Every property is null (and the lists empty) while no period of the kind is closed yet. */
@ApiSchema({ name: 'PublicDepartments' })
export class PublicDepartmentsResponseDto {
  @ApiProperty({ type: String, nullable: true, example: '2026-10', description: '已关闭的考核期；尚无则为 null / the closed period; null while none is' }) period!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-11-03T09:00:00.000Z' }) closedAt!: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 1, description: '计分所依据的考核办法版本 / the scoring policy version scored with' }) policyVersion!: number | null;
  @ApiProperty({ type: [PublicDepartmentRatesDto] }) departments!: PublicDepartmentRatesDto[];
  @ApiProperty({ type: [String], example: ['2026-10', '2026-09'], description: '所有已关闭的同类考核期（新→旧）/ every closed period of the kind, newest first' }) closedPeriods!: string[];
}
