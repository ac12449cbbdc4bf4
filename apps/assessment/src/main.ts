import 'reflect-metadata';
import { runService } from '@chuishao/service-kit';
import { AssessmentConfig } from '@chuishao/assessment-feature';
import { assessmentService } from './assessment.service';

void runService({
  ...assessmentService,
  configClass: AssessmentConfig,
  openapi: { title: 'Chuishao assessment 考核评价与分析研判', description: '评价、街道评分、50/20/30 考核与分析 / Feedback, ratings, scorecards and analytics' },
});
