import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Access, accessOnly, CurrentPrincipal, Roles, type Principal } from '@chuishao/auth';
import { ApiBearer, ApiProblems } from '@chuishao/platform';
import { Open311KeysHandler } from './open311-keys.handler';
import { Open311KeysRepository } from './open311-keys.repository';
import { IssueOpen311KeyRequestDto, ListOpen311KeysQueryDto } from './open311-keys.request.dto';
import { IssuedOpen311KeyResponseDto, Open311KeyListResponseDto } from './open311-key.response.dto';

const ADMIN_ONLY = accessOnly('admin');

/** Streets' Open311 API keys (contract §14): issued, listed and revoked by `admin`. */
@ApiTags('open311 keys 密钥')
@ApiBearer()
@Roles('admin')
@Controller('api/v1/open311-keys')
export class Open311KeysHttpController {
  constructor(
    private readonly handler: Open311KeysHandler,
    private readonly keys: Open311KeysRepository,
    private readonly dataSource: DataSource,
  ) {}

  @Post()
  @Access(ADMIN_ONLY)
  @ApiOperation({
    summary: '签发街道 Open311 密钥 / Issue a street’s Open311 key',
    description: '仅 admin。响应中的 key 只显示这一次，服务端只保存其 SHA-256；记录 Open311KeyIssued 事件。 / admin only. The key in the answer is shown this once; only its SHA-256 is kept; records Open311KeyIssued.',
  })
  @ApiCreatedResponse({ type: IssuedOpen311KeyResponseDto })
  @ApiProblems(400, 422)
  async issue(@CurrentPrincipal() principal: Principal, @Body() dto: IssueOpen311KeyRequestDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const issued = await this.handler.issue(principal, {
      streetId: dto.streetId,
      label: dto.label ?? null,
      expiresAt: dto.expiresAt ? new Date(dto.expiresAt).toISOString() : null,
    });
    void reply.status(201).header('Location', `/api/v1/open311-keys/${issued.id}`).header('Cache-Control', 'no-store');
    return issued;
  }

  @Get()
  @Access(ADMIN_ONLY)
  @ApiOperation({ summary: '列出 Open311 密钥（不含密钥本身）/ List Open311 keys (never the key)', description: '仅 admin，新的在前。 / admin only, newest first.' })
  @ApiOkResponse({ type: Open311KeyListResponseDto })
  @ApiProblems(400, 422)
  async list(@Query() q: ListOpen311KeysQueryDto) {
    return { items: await this.keys.list(this.dataSource, q.streetId) };
  }

  @Delete(':id')
  @HttpCode(204)
  @Access(ADMIN_ONLY)
  @ApiOperation({
    summary: '吊销 Open311 密钥 / Revoke an Open311 key',
    description: '仅 admin；吊销后该密钥调用 Open311 返回 403；重复吊销仍为 204（幂等），未知 id 为 404。记录 Open311KeyRevoked 事件。 / admin only; the key then answers 403 on Open311; revoking again is 204 (idempotent), an unknown id 404. Records Open311KeyRevoked.',
  })
  @ApiNoContentResponse({ description: '已吊销 / revoked' })
  @ApiProblems(400, 404)
  async revoke(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.handler.revoke(principal, id);
  }
}
