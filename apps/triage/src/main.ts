import 'reflect-metadata';
import { runService } from '@chuishao/service-kit';
import { triageService } from './triage.service';

void runService({
  ...triageService,
  openapi: { title: 'Chuishao triage 红黄蓝分级响应', description: '分级策略与改判 / Triage policy and overrides' },
});
