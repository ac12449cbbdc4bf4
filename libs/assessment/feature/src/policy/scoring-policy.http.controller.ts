import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Roles } from '@chuishao/auth';
import { currentScoringPolicy } from './scoring-policy.repository';

@ApiTags('assessment 考核评价')
@ApiBearerAuth()
@Controller('api/v1/assessment/policy')
export class ScoringPolicyHttpController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @Roles('assessment-office', 'command-center', 'admin')
  @ApiOperation({
    summary: '考核评分办法（现行版本）/ The scoring policy in force',
    description:
      'weights 权重（完成度/满意度/感知度）；credits 每件计分（按时/逾期办结/超期未办）；feedbackScores 群众评价分值；grades 等级下限（按四舍五入后的总分）；rounding 四舍五入位数。',
  })
  async get() {
    return currentScoringPolicy(this.dataSource);
  }
}
