import { ApiProperty } from '@nestjs/swagger';
import { AppealTargetDto } from './appeal.request.dto';

/** OpenAPI only: an appeal as the API answers it (contract §11). */
class AppealDecisionDto {
  @ApiProperty({ enum: ['UPHOLD', 'REJECT'] }) decision!: string;
  @ApiProperty() reason!: string;
  @ApiProperty() decidedAt!: string;
}

export class AppealResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '2026-Q3' }) period!: string;
  @ApiProperty({ format: 'uuid' }) departmentId!: string;
  @ApiProperty({ type: AppealTargetDto }) target!: AppealTargetDto;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: [String] }) evidence!: string[];
  @ApiProperty({ enum: ['PENDING', 'UPHELD', 'REJECTED'] }) status!: string;
  @ApiProperty() filedAt!: string;
  @ApiProperty({ type: AppealDecisionDto, nullable: true }) decision!: AppealDecisionDto | null;
}
