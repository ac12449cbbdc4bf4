#!/bin/bash
# The ACLs of the compose Kafka's principals (the same model as deploy/k8s's KafkaUsers): each
# service reads and writes only its own topics and uses only its own consumer groups
# (chuishao-<service>-*); it may create its topics (topics as code: the services declare them at
# start). Run once by the compose `kafka-acls` service, as chuishao-admin; idempotent.
#   kafka-acls.sh                         the four services
#   kafka-acls.sh department CODE UUID    a department: SCRAM user dept-code (lower case, - for _) (password from
#                                         DEPARTMENT_PASSWORD), write its replies topic, read its
#                                         assignments and rejected topics, its own client group
set -euo pipefail
: "${KAFKA_ADMIN_PASSWORD:?}"
BOOT=kafka:9092
CFG=/tmp/admin.properties
umask 077
cat > "$CFG" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="chuishao-admin" password="${KAFKA_ADMIN_PASSWORD}";
PROPS
acl() { /opt/kafka/bin/kafka-acls.sh --bootstrap-server "$BOOT" --command-config "$CFG" --add --allow-principal "User:$1" "${@:2}" >/dev/null; }
reads() { local u=$1; shift; for t in "$@"; do acl "$u" --operation Read --operation Describe --topic "$t"; done; }
writes() { local u=$1; shift; for t in "$@"; do acl "$u" --operation Write --operation Describe --operation Create --topic "$t"; done; }
group() { acl "chuishao-$1" --operation Read --operation Describe --group "chuishao-$1-" --resource-pattern-type prefixed; }

if [ "${1:-}" = department ]; then
  code=${2:?department code}; id=${3:?department id}
  # the Kubernetes form of the name (a KafkaUser is named dept-fire-rescue for FIRE_RESCUE): one principal name everywhere
  user="dept-$(echo "$code" | tr "A-Z_" "a-z-")"
  : "${DEPARTMENT_PASSWORD:?}"
  /opt/kafka/bin/kafka-configs.sh --bootstrap-server "$BOOT" --command-config "$CFG" --alter \
    --add-config "SCRAM-SHA-512=[password=${DEPARTMENT_PASSWORD}]" --entity-type users --entity-name "$user"
  acl "$user" --operation Write --operation Describe --topic "chuishao.dept.$id.replies"
  reads "$user" "chuishao.dept.$id.assignments" "chuishao.dept.$id.replies.rejected"
  acl "$user" --operation Read --operation Describe --group "dept-$id-client"
  echo "$user: ACLs set"
  exit 0
fi

W=chuishao.whistle.events P=chuishao.policy.events A=chuishao.assessment.events S=chuishao.ops.stuck
reads chuishao-intake $W $P $S
writes chuishao-intake $W $S $W.rejected $P.rejected $S.rejected $P
reads chuishao-triage $W
writes chuishao-triage $W $P $S
reads chuishao-assessment $W
writes chuishao-assessment $A $S $W
reads chuishao-dispatch $W $A
writes chuishao-dispatch $W $A $S
# the departments' topics: dispatch writes assignments and rejected replies, reads replies (and
# sets their timestamps to the broker's time), for every department
acl chuishao-dispatch --operation Read --operation Write --operation Describe --operation Create \
  --operation DescribeConfigs --operation AlterConfigs --topic chuishao.dept. --resource-pattern-type prefixed
for s in intake triage dispatch assessment; do group "$s"; done
echo "service ACLs set"
