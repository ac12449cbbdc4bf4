import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** The shapes of Open311 GeoReport v2 answers (JSON; the .xml URLs carry the same fields), for the OpenAPI document. */
@ApiSchema({ name: 'Open311Endpoint' })
class Open311EndpointDto {
  @ApiProperty({ example: 'http://wiki.open311.org/GeoReport_v2' }) specification!: string;
  @ApiProperty({ example: 'http://127.0.0.1:8080/open311/v2' }) url!: string;
  @ApiProperty({ example: '2026-11-25T00:00:00+08:00' }) changeset!: string;
  @ApiProperty({ example: 'production' }) type!: string;
  @ApiProperty({ type: [String], example: ['application/json', 'text/xml'] }) formats!: string[];
}

@ApiSchema({ name: 'Open311Discovery' })
export class Open311DiscoveryDto {
  @ApiProperty({ example: '2026-11-25T00:00:00+08:00' }) changeset!: string;
  @ApiProperty({ example: '和平区吹哨报到指挥中心 / Heping District whistle-and-report command center' }) contact!: string;
  @ApiProperty({ example: 'npm run token -- street <code> --open311' }) key_service!: string;
  @ApiProperty({ type: [Open311EndpointDto] }) endpoints!: Open311EndpointDto[];
}

@ApiSchema({ name: 'Open311Service' })
export class Open311ServiceDto {
  @ApiProperty({ example: 'FIRE_LANE_BLOCKED' }) service_code!: string;
  @ApiProperty({ example: '消防通道堵塞' }) service_name!: string;
  @ApiProperty({ example: '消防通道堵塞 / Fire lane blocked' }) description!: string;
  @ApiProperty({ example: true }) metadata!: boolean;
  @ApiProperty({ example: 'realtime' }) type!: string;
  @ApiProperty({ example: '应急处置, Emergency response, Fire lane blocked' }) keywords!: string;
  @ApiProperty({ example: '应急处置', description: '呼叫领域 / the area' }) group!: string;
}

@ApiSchema({ name: 'Open311ServiceDefinition' })
export class Open311ServiceDefinitionDto {
  @ApiProperty({ example: 'FIRE_LANE_BLOCKED' }) service_code!: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    example: [{ variable: true, code: 'life_safety', datatype: 'singlevaluelist', required: false, order: 1, description: '是否危及生命安全 / life safety' }],
  })
  attributes!: Array<Record<string, unknown>>;
}

@ApiSchema({ name: 'Open311RequestCreated' })
export class Open311RequestCreatedDto {
  @ApiProperty({ example: '2b7c1f0e-8a55-4a3e-9a43-4c8f5f0f6a01' }) service_request_id!: string;
  @ApiProperty({ type: String, nullable: true, example: null }) service_notice!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) account_id!: string | null;
}

@ApiSchema({ name: 'Open311ServiceRequest' })
export class Open311ServiceRequestDto {
  @ApiProperty({ example: '2b7c1f0e-8a55-4a3e-9a43-4c8f5f0f6a01' }) service_request_id!: string;
  @ApiProperty({ enum: ['open', 'closed'], example: 'open' }) status!: string;
  @ApiProperty({ type: String, nullable: true, example: '已派单 / dispatched' }) status_notes!: string | null;
  @ApiProperty({ example: '消防通道堵塞' }) service_name!: string;
  @ApiProperty({ example: 'FIRE_LANE_BLOCKED' }) service_code!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: '福缘里小区通道被早餐车占用' }) description?: string | null;
  @ApiProperty({ type: String, nullable: true, example: '和平区消防救援支队' }) agency_responsible!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) service_notice!: string | null;
  @ApiProperty({ example: '2026-11-25T09:30:00+08:00' }) requested_datetime!: string;
  @ApiProperty({ example: '2026-11-25T09:31:00+08:00' }) updated_datetime!: string;
  @ApiProperty({ type: String, nullable: true, example: '2026-11-26T09:30:00+08:00' }) expected_datetime!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: '和平区劝业场街道福缘里 3 号楼' }) address?: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) address_id!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) zipcode!: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 39.1207 }) lat!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 117.2008 }) long!: number | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: null }) media_url?: string | null;
}
