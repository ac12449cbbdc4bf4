import 'reflect-metadata';
import { runService } from '@chuishao/service-kit';
import { dispatchService } from './dispatch.service';

void runService({
  ...dispatchService,
  openapi: { title: 'Chuishao dispatch 派单与报到', description: '部门报到、到场、办结、退单与时限 / Assignments, replies, disputes and deadlines' },
});
