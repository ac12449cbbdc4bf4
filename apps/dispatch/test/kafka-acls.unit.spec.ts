import { declaredTopicsOutsideAcls } from '@chuishao/testing';
import { dispatchService } from '../src/dispatch.service';

it('the Kafka ACL model lets chuishao-dispatch create and describe every topic dispatch declares (ADR 0021)', () => {
  expect(declaredTopicsOutsideAcls(dispatchService)).toEqual([]);
});
