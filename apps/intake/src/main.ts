import 'reflect-metadata';
import { runService } from '@chuishao/service-kit';
import { intakeService } from './intake.service';

void runService({
  ...intakeService,
  openapi: {
    title: 'Chuishao intake 问题收集与呼叫启动',
    description: '街道吹哨、哨件查询、审计事件流、目录与 Open311 / Whistles, catalog, audit stream and Open311',
  },
});
