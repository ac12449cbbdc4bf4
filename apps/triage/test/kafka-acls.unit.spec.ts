import { declaredTopicsOutsideAcls } from '@chuishao/testing';
import { triageService } from '../src/triage.service';

it('the Kafka ACL model lets chuishao-triage create and describe every topic triage declares (ADR 0021)', () => {
  expect(declaredTopicsOutsideAcls(triageService)).toEqual([]);
});
