import { declaredTopicsOutsideAcls } from '@chuishao/testing';
import { assessmentService } from '../src/assessment.service';

it('the Kafka ACL model lets chuishao-assessment create and describe every topic assessment declares (ADR 0021)', () => {
  expect(declaredTopicsOutsideAcls(assessmentService)).toEqual([]);
});
