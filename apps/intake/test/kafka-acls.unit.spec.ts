import { declaredTopicsOutsideAcls } from '@chuishao/testing';
import { intakeService } from '../src/intake.service';

it('the Kafka ACL model lets chuishao-intake create and describe every topic intake declares (ADR 0021)', () => {
  expect(declaredTopicsOutsideAcls(intakeService)).toEqual([]);
});
