#!/bin/bash
# The compose Kafka (apache/kafka image, KRaft single node) with SASL/SCRAM-SHA-512 and ACLs:
# writes the broker's properties, formats the log directory once with the SCRAM credentials of the
# operators' and services' principals (KRaft keeps them in its metadata log), then starts the broker.
# Passwords come from the environment (docker-compose.yml requires each); none is written to disk
# except into the broker's own metadata, hashed. Department principals are added later with
# kafka-acls.sh (docs/scaling.md). The controller listener is PLAINTEXT on the container's loopback:
# only the broker in this container reaches it, as User:ANONYMOUS.
set -euo pipefail
: "${KAFKA_ADMIN_PASSWORD:?}" "${KAFKA_INTAKE_PASSWORD:?}" "${KAFKA_TRIAGE_PASSWORD:?}" "${KAFKA_DISPATCH_PASSWORD:?}" "${KAFKA_ASSESSMENT_PASSWORD:?}"
CONF=/tmp/server.properties
umask 077
cat > "$CONF" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:9093
listeners=INTERNAL://0.0.0.0:9092,EXTERNAL://0.0.0.0:29092,CONTROLLER://127.0.0.1:9093
advertised.listeners=INTERNAL://kafka:9092,EXTERNAL://${KAFKA_EXTERNAL_HOST:-localhost}:${KAFKA_HOST_PORT:-9092}
listener.security.protocol.map=INTERNAL:SASL_PLAINTEXT,EXTERNAL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=INTERNAL
controller.listener.names=CONTROLLER
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.internal.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="chuishao-admin" password="${KAFKA_ADMIN_PASSWORD}";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:chuishao-admin;User:ANONYMOUS
allow.everyone.if.no.acl.found=false
log.dirs=/var/lib/kafka/data
num.partitions=6
default.replication.factor=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
PROPS
scram() { echo "SCRAM-SHA-512=[name=$1,password=$2]"; }
/opt/kafka/bin/kafka-storage.sh format --ignore-formatted -t "${CLUSTER_ID:?}" -c "$CONF" \
  --add-scram "$(scram chuishao-admin "$KAFKA_ADMIN_PASSWORD")" \
  --add-scram "$(scram chuishao-intake "$KAFKA_INTAKE_PASSWORD")" \
  --add-scram "$(scram chuishao-triage "$KAFKA_TRIAGE_PASSWORD")" \
  --add-scram "$(scram chuishao-dispatch "$KAFKA_DISPATCH_PASSWORD")" \
  --add-scram "$(scram chuishao-assessment "$KAFKA_ASSESSMENT_PASSWORD")"
exec /opt/kafka/bin/kafka-server-start.sh "$CONF"
