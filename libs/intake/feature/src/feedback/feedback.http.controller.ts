import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { FeedbackSummaryResponseDto } from './feedback-summary.response.dto';
import { Public } from '@chuishao/auth';
import { ApiProblems, ApiPublic } from '@chuishao/platform';
import { FeedbackHandler } from './feedback.handler';
import { GiveFeedbackRequestDto } from './give-feedback.request.dto';
import { Access, PUBLIC_ACCESS } from '@chuishao/auth';

/**
 * Public feedback through a one-time link (contract §5): no token, no personal data. The token is
 * a path segment; the logger masks `/feedback/<token>` in every URL it writes.
 */
@ApiTags('feedback 公众反馈')
@Public()
@ApiPublic()
@Controller('api/v1/feedback')
export class FeedbackHttpController {
  constructor(private readonly feedback: FeedbackHandler) {}

  @Get(':token')
  @Access({ ...PUBLIC_ACCESS, note: 'the one-time link token is the credential' })
  @ApiOperation({
    summary: '评价页：查看哨件概要（不含个人信息）/ The whistle behind a feedback link (no personal data)',
    description: '无需登录。链接 30 天内有效；过期返回 410，未知返回 404。 / No authentication. Links are valid for 30 days; expired → 410, unknown → 404.',
  })
  @ApiParam({ name: 'token', description: '一次性评价令牌 / one-time feedback token' })
  @ApiOkResponse({ type: FeedbackSummaryResponseDto, description: '哨件概要 / summary' })
  @ApiResponse({ status: 404, description: '链接无效 / unknown link' })
  @ApiResponse({ status: 410, description: '链接已过期 / expired link' })
  summary(@Param('token') token: string) {
    return this.feedback.summary(token);
  }

  @Post(':token')
  @Access({ ...PUBLIC_ACCESS, note: 'the one-time link token is the credential' })
  @HttpCode(201)
  @ApiOperation({
    summary: '提交满意度评价（一次性）/ Give satisfaction feedback (single use)',
    description: '满意 100、基本满意 80、不满意 0；同一链接第二次提交返回 409。 / Scores 100 / 80 / 0; a second use of a link → 409.',
  })
  @ApiCreatedResponse({ type: FeedbackSummaryResponseDto, description: '已记录 FeedbackGiven / recorded' })
  @ApiProblems(400, 422)
  @ApiResponse({ status: 409, description: '链接已使用 / already used' })
  @ApiResponse({ status: 410, description: '链接已过期 / expired link' })
  give(@Param('token') token: string, @Body() dto: GiveFeedbackRequestDto) {
    return this.feedback.give(token, dto.rating, dto.comment?.trim() ? dto.comment : null);
  }
}
