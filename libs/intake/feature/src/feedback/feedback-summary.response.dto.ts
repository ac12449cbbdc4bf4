import { ApiProperty } from '@nestjs/swagger';
import { PublicWhistleDto } from '../public/public.docs';

/** GET/POST /api/v1/feedback/{token}: the whistle summary a resident sees — no personal data. */
export class FeedbackSummaryResponseDto {
  @ApiProperty({ example: { code: 'FIRE_LANE_BLOCKED', name: '消防通道被占用', nameEn: 'Fire lane blocked' } }) situation!: { code: string; name: string; nameEn: string };
  @ApiProperty({ example: { code: 'EMERGENCY', name: '应急处置', nameEn: 'Emergency response' } }) area!: { code: string; name: string; nameEn: string };
  @ApiProperty({ example: { id: 'cdd804c6-dc1e-512e-a6f6-f2f1f0cdba2b', name: '劝业场街道', nameEn: 'Quanyechang Subdistrict' } }) street!: { id: string; name: string; nameEn: string };
  @ApiProperty({ example: 'RESOLVED' }) status!: string;
  @ApiProperty({ type: String, example: 'RED', nullable: true }) level!: string | null;
  @ApiProperty({ type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, nameEn: { type: 'string' }, role: { type: 'string' } } }, example: [{ name: '和平区消防救援支队', nameEn: 'Heping District Fire and Rescue Detachment', role: 'LEAD' }] }) departments!: Array<{ name: string; nameEn: string; role: string }>;
  @ApiProperty({ example: '2026-11-25T08:29:58.120Z' }) createdAt!: string;
  @ApiProperty({ example: '2026-11-25T15:10:00.000Z', description: '街道确认办结时间 / confirmed by the street at' }) resolvedAt!: string;
  @ApiProperty({ type: PublicWhistleDto, nullable: true, description: '哨件的公开进度（与 GET /api/v1/public/whistles/{id} 相同，已脱敏）/ the whistle’s public progress (as GET /api/v1/public/whistles/{id}, anonymised)' })
  progress!: PublicWhistleDto | null;
  @ApiProperty({ example: { status: 'REQUESTED', expiresAt: '2026-12-25T15:10:00.000Z' }, description: '评价状态；已评价时含 rating 与 score / feedback state' })
  feedback!: { status: 'REQUESTED' | 'GIVEN'; expiresAt: string; rating?: string; score?: number };
}
