import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiBearer } from '@chuishao/platform';
import { DataSource } from 'typeorm';
import { Roles } from '@chuishao/auth';
import { WHISTLE_STATUSES } from '../whistles/list-whistles.query.dto';
import { nextDeadlineKind } from '@chuishao/intake-domain';
import { BoardRepository } from './board.repository';
import { Access, accessOnly } from '@chuishao/auth';

const BOARD_NEAREST = 20;
const CLOSED = ['RESOLVED', 'WITHDRAWN'];

class BoardItemDto {
  @ApiProperty({ format: 'uuid' }) whistleId!: string;
  @ApiProperty({ type: String, example: '早餐车占用消防通道，液化气罐存在安全隐患' }) title!: string;
  @ApiProperty({ format: 'uuid' }) streetId!: string;
  @ApiProperty({ type: String, example: 'RED', nullable: true }) level!: string | null;
  @ApiProperty({ example: 'DISPATCHED' }) status!: string;
  @ApiProperty({ example: '2026-11-25T08:45:00.000Z', description: '最近的未完成时限（已过即超时）/ nearest unmet deadline (past = overdue)' }) nextDeadline!: string;
  @ApiPropertyOptional({ enum: ['REPORT', 'ARRIVE', 'COMPLETE'], description: '时限类型：报到、到场、办结 / which deadline' }) kind?: string;
  @ApiProperty({ description: '是否已超时 / already overdue' }) overdue!: boolean;
}

class BoardCountsDto {
  @ApiProperty({ example: { RED: 3, YELLOW: 7, BLUE: 12 }, description: '未结哨件按等级 / open whistles by level' }) byLevel!: Record<string, number>;
  @ApiProperty({ example: { BLOWN: 0, TRIAGED: 1, DISPATCHED: 4, IN_PROGRESS: 9, COMPLETED: 2, RESOLVED: 30, REOPENED: 1, WITHDRAWN: 2 } }) byStatus!: Record<string, number>;
  @ApiProperty({ example: 2, description: '有时限已过未完成的未结哨件数 / open whistles with a passed, unmet deadline' }) overdue!: number;
  @ApiProperty({ example: 0, description: '卡住（事件被搁置，待运维处理：npm run parked）的哨件数 / whistles with parked events, waiting for an operator (npm run parked)' }) stuck!: number;
}

class BoardDto {
  @ApiProperty({ type: BoardCountsDto }) counts!: BoardCountsDto;
  @ApiProperty({ type: [BoardItemDto] }) nearest!: BoardItemDto[];
  @ApiProperty({ example: '2026-11-25T08:40:00.000Z' }) generatedAt!: string;
}

/**
 * The command center's red/yellow/blue board (红黄蓝看板), from intake's read model: counts, and
 * the open whistles whose next deadline is nearest (overdue ones first).
 */
@ApiTags('board 指挥看板')
@ApiBearer()
@Controller('api/v1/board')
export class BoardHttpController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly boards: BoardRepository,
  ) {}

  @Get()
  @Access(accessOnly('command-center', 'assessment-office', 'admin'))
  @Roles('command-center', 'admin', 'assessment-office')
  @ApiOperation({
    summary: '红黄蓝看板：按等级、状态计数，超时数，最近到期的 20 件 / The board: counts by level and status, overdue, the 20 nearest deadlines',
    description:
      'byLevel 只计未结（非 RESOLVED/WITHDRAWN）哨件；nearest 只含有未完成时限的未结哨件，按最近时限排序（已超时的在前）。' +
      ' / byLevel counts open whistles only; nearest lists open whistles with an unmet deadline, nearest (most overdue) first.',
  })
  @ApiOkResponse({ type: BoardDto })
  async board(): Promise<BoardDto> {
    const now = new Date();
    const { byStatusAndLevel, overdue, stuck } = await this.boards.boardCounts(this.dataSource);
    const levels: Record<string, number> = { RED: 0, YELLOW: 0, BLUE: 0 };
    const statuses: Record<string, number> = Object.fromEntries(WHISTLE_STATUSES.map((s) => [s, 0]));
    for (const r of byStatusAndLevel) {
      statuses[r.status] = (statuses[r.status] ?? 0) + Number(r.n);
      if (r.level && r.level in levels && !CLOSED.includes(r.status)) levels[r.level] += Number(r.n);
    }
    const rows = await this.boards.nearestDeadlines(this.dataSource, BOARD_NEAREST);
    return {
      counts: { byLevel: levels, byStatus: statuses, overdue: Number(overdue), stuck: Number(stuck) },
      nearest: rows.map((r) => {
        const kind = nextDeadlineKind(r.doc);
        const at = new Date(r.next_deadline);
        return {
          whistleId: r.id,
          title: r.doc.title,
          streetId: r.street_id,
          level: r.level,
          status: r.status,
          nextDeadline: at.toISOString(),
          ...(kind ? { kind } : {}),
          overdue: at.getTime() < now.getTime(),
        };
      }),
      generatedAt: now.toISOString(),
    };
  }
}
