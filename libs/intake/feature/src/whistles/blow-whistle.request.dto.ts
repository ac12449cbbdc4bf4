import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

class LocationDto {
  @ApiProperty({ example: '和平区劝业场街道福缘里小区 3 号楼通道', maxLength: 300 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  address!: string;

  @ApiPropertyOptional({ format: 'uuid', description: '社区 id（见 /api/v1/catalog）/ community id' })
  @IsOptional()
  @IsUUID()
  communityId?: string;

  @ApiPropertyOptional({ example: 39.1207 })
  @IsOptional()
  @IsNumber()
  @Min(-90)
  @Max(90)
  lat?: number;

  @ApiPropertyOptional({ example: 117.2008 })
  @IsOptional()
  @IsNumber()
  @Min(-180)
  @Max(180)
  lng?: number;
}

class HintsDto {
  @ApiPropertyOptional({ description: '是否危及生命安全 / life safety at risk', default: false })
  @IsOptional()
  @IsBoolean()
  lifeSafety?: boolean;

  @ApiPropertyOptional({ description: '受影响户数 / households affected', example: 80 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000000)
  householdsAffected?: number;
}

class AttachmentDto {
  @ApiProperty({ example: 'https://files.example.gov.cn/p/1.jpg' })
  @IsString()
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true })
  @MaxLength(2000)
  url!: string;

  @ApiProperty({ example: 'photo', enum: ['photo', 'video', 'document', 'audio'] })
  @IsString()
  @IsIn(['photo', 'video', 'document', 'audio'])
  kind!: string;
}

/** POST /api/v1/whistles (contract §2). The street comes from the token, never from the body. */
export class BlowWhistleRequestDto {
  @ApiProperty({ example: 'FIRE_LANE_BLOCKED', description: '呼叫情形代码（见 /api/v1/catalog）/ situation code' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  situationCode!: string;

  @ApiProperty({ example: '早餐车停放在居民窗外，液化气罐存在安全隐患', maxLength: 120 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  title!: string;

  @ApiProperty({ example: '福缘里小区两排楼之间的通道被早餐三轮车、电瓶车占用，液化气罐距一楼窗户不足两米。', maxLength: 4000 })
  @IsString()
  @MaxLength(4000)
  description!: string;

  @ApiProperty({ type: LocationDto })
  @IsObject()
  @ValidateNested()
  @Type(() => LocationDto)
  location!: LocationDto;

  @ApiPropertyOptional({ type: [String], description: '点名报到的部门，第一个为牵头部门 / requested departments, first is LEAD' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUUID('all', { each: true })
  requestedDepartments?: string[];

  @ApiPropertyOptional({ type: HintsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => HintsDto)
  hints?: HintsDto;

  @ApiPropertyOptional({ type: [AttachmentDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  attachments?: AttachmentDto[];
}
