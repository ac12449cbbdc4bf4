#!/usr/bin/env node
// Prints deploy/k8s/base/kafka/kafka-users.yaml from the ACL model and the catalog (after `npm run build`):
//   node scripts/k8s-kafka-users.js > deploy/k8s/base/kafka/kafka-users.yaml
// The manifests' test fails while the file and the model disagree.
'use strict';
require('./register-paths');
const YAML = require('yaml');
const { kafkaUsers } = require('../dist/apps/system-tests/src/deploy/kafka-users');

const header = [
  '# One Strimzi KafkaUser per service and per department (contract §14), with the ACLs of the model in',
  '# libs/shared/messaging/src/acls.ts: a service only its own topics and groups; a department writes only',
  '# its replies topic and reads only its assignments and rejected topics. Printed by',
  '# scripts/k8s-kafka-users.js; apps/system-tests/test/k8s-manifests.unit.spec.ts fails while this file',
  '# and the model disagree. Strimzi puts each password in the Secret of the same name.',
];
process.stdout.write(`${header.join('\n')}\n${kafkaUsers().map((u) => YAML.stringify(u)).join('---\n')}`);
