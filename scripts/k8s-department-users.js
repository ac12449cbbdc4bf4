#!/usr/bin/env node
// Prints deploy/k8s/base/kafka/department-users.yaml from the catalog (after `npm run build`):
//   node scripts/k8s-department-users.js > deploy/k8s/base/kafka/department-users.yaml
// The manifests' test fails while the file and the catalog disagree.
'use strict';
require('./register-paths');
const YAML = require('yaml');
const { departmentKafkaUsers } = require('../dist/apps/system-tests/src/deploy/kafka-users');

const header = [
  '# One Strimzi KafkaUser per department of the catalog (contract §14): dept-<code> writes only its',
  '# replies topic, reads only its assignments and rejected topics. Printed by',
  '# scripts/k8s-department-users.js; apps/system-tests/test/k8s-manifests.unit.spec.ts fails while',
  '# this file and libs/catalog disagree. Strimzi puts each password in the Secret of the same name.',
];
process.stdout.write(`${header.join('\n')}\n${departmentKafkaUsers().map((u) => YAML.stringify(u)).join('---\n')}`);
