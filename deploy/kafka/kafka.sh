#!/usr/bin/env bash
# Chuishao — run a real single-node Apache Kafka (KRaft) from Maven Central jars, no Docker.
# See docs/adr/0004-kafka-runner.md.
#
#   kafka.sh fetch | start [--plaintext] | stop | restart [--plaintext] | status | logs | reset
#   kafka.sh client-env [principal]                        (export lines for a client; default chuishao-admin)
#   kafka.sh console-producer <topic> [key-separator] [options] (stdin: key<sep>value per line)
#   kafka.sh console-consumer <topic> [max-messages]       (prints key|value from the beginning)
#   kafka.sh topics <TopicCommand args...>                 (--bootstrap-server is added)
#   kafka.sh producer-perf [records] [record-size]
#
# Secured by default (docs/adr/0021-kafka-scram-and-acls.md): SASL/SCRAM-SHA-512 on 127.0.0.1
# (SASL_SSL with KAFKA_TLS=true, a local CA in <data>/tls/ca.pem), StandardAuthorizer with the ACLs
# of libs/shared/messaging/src/acls.ts created at every start, one SCRAM user per service and per
# department and chuishao-admin (super user). Passwords: KAFKA_PASSWORD_<PRINCIPAL> from the
# environment (e.g. KAFKA_PASSWORD_DEPT_FIRE_RESCUE), else random on first start, kept in
# <data>/credentials.env (0600). `--plaintext` (or KAFKA_SECURITY=plaintext): the old open listener.
#
# Environment: KAFKA_VERSION, CHUISHAO_CACHE, KAFKA_DATA_DIR, KAFKA_PORT, KAFKA_CONTROLLER_PORT,
#              KAFKA_SECURITY (scram | plaintext), KAFKA_TLS (true | false), KAFKA_PASSWORD_<PRINCIPAL>,
#              KAFKA_HEAP_OPTS, KAFKA_OPTS, KAFKA_START_TIMEOUT (s, default 90);
#              KAFKA_NETWORK_THREADS (3), KAFKA_IO_THREADS (4), KAFKA_GC_OPTS (G1, 20 ms pauses) to
#              tune the broker (1 / 2 / ParallelGC with one thread measured the same as the
#              defaults on 2 cores, 2026-12-02).
set -euo pipefail

KAFKA_VERSION="${KAFKA_VERSION:-4.1.1}"
# Kafka 4.x ships slf4j-api 1.7.36 + log4j2; this is the log4j2 version kafka-server depends on.
LOG4J_VERSION="${LOG4J_VERSION:-2.24.3}"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
CACHE_ROOT="${CHUISHAO_CACHE:-$HOME/.cache/chuishao}"
KAFKA_HOME="$CACHE_ROOT/kafka/$KAFKA_VERSION"
LIBS="$KAFKA_HOME/libs"
MARKER="$KAFKA_HOME/.complete"

DATA_DIR="${KAFKA_DATA_DIR:-$REPO_ROOT/.data/kafka}"
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
HOST=127.0.0.1
BOOTSTRAP="$HOST:$PORT"
PID_FILE="$DATA_DIR/kafka.pid"
LOG_DIR="$DATA_DIR/logs"
SERVER_LOG="$LOG_DIR/server.log"
PROPS="$DATA_DIR/server.properties"
LOG4J_SERVER="$DATA_DIR/log4j2-server.properties"
LOG4J_TOOLS="$DATA_DIR/log4j2-tools.properties"
CLUSTER_ID_FILE="$DATA_DIR/cluster.id"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
# security (ADR 0021): what this start asks for, and what the running broker has (SECURITY_FILE)
SECURITY="${KAFKA_SECURITY:-scram}"
case "${KAFKA_TLS:-false}" in true|1|yes|on) TLS=1 ;; *) TLS=0 ;; esac
CREDENTIALS="$DATA_DIR/credentials.env"
SECURITY_FILE="$DATA_DIR/security" # PLAINTEXT | SASL_PLAINTEXT | SASL_SSL, written at start
ADMIN_PROPS="$DATA_DIR/admin.properties" # the tools' client config (chuishao-admin), 0600
TLS_DIR="$DATA_DIR/tls"
ADMIN=chuishao-admin

# Class names (Kafka 4.x moved the CLI tools into org.apache.kafka.tools, kafka-tools artifact).
major="${KAFKA_VERSION%%.*}"
CLS_SERVER=kafka.Kafka
CLS_STORAGE=kafka.tools.StorageTool
CLS_TOPICS=org.apache.kafka.tools.TopicCommand
CLS_PERF=org.apache.kafka.tools.ProducerPerformance
CLS_CONFIGS=kafka.admin.ConfigCommand # SCRAM users (still in core in 4.x)
CLS_CONSOLE_CONSUMER=org.apache.kafka.tools.consumer.ConsoleConsumer # 3.8+ (incl. 3.9) and 4.x
if [ "$major" -ge 4 ]; then
  CLS_CONSOLE_PRODUCER=org.apache.kafka.tools.ConsoleProducer
else
  CLS_CONSOLE_PRODUCER=kafka.tools.ConsoleProducer # 3.9 still has it in core
fi

log() { echo "[kafka] $*"; }
err() { echo "[kafka] $*" >&2; }
die() { err "error: $*"; exit 1; }

need_java() { command -v java >/dev/null 2>&1 || die "java not found on PATH (Java 17+ required)"; }

# ---------------------------------------------------------------- fetch
cmd_fetch() {
  if [ -f "$MARKER" ]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH (needed once, to fetch Kafka $KAFKA_VERSION from Maven Central)"
  need_java
  local t0 tmp binding
  t0=$(date +%s)
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/chuishao-kafka-fetch.XXXXXX")"
  if [ "$major" -ge 4 ]; then
    # Kafka 4.x itself is built against slf4j-api 1.7.x, so the log4j2 binding for slf4j 1.x
    # (log4j-slf4j-impl) is the one that matches; log4j-slf4j2-impl would need slf4j-api 2.x.
    binding="
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>$LOG4J_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>$LOG4J_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-api</artifactId><version>$LOG4J_VERSION</version></dependency>"
  else
    binding="
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>"
  fi
  cat >"$tmp/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>chuishao.local</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency>
      <groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$KAFKA_VERSION</version>
      <exclusions>
        <!-- only needed by connect-plugin-path; drops ~40 jars (jetty, jersey, hk2) -->
        <exclusion><groupId>org.apache.kafka</groupId><artifactId>connect-runtime</artifactId></exclusion>
        <exclusion><groupId>com.fasterxml.jackson.jakarta.rs</groupId><artifactId>jackson-jakarta-rs-json-provider</artifactId></exclusion>
      </exclusions>
    </dependency>$binding
  </dependencies>
</project>
EOF
  log "fetching Apache Kafka $KAFKA_VERSION from Maven Central (via mvn) into $LIBS ..."
  rm -rf "$LIBS"
  mkdir -p "$LIBS"
  if ! (cd "$tmp" && mvn -q -B -f "$tmp/pom.xml" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$LIBS" >"$tmp/mvn.log" 2>&1); then
    cat "$tmp/mvn.log" >&2
    rm -rf "$tmp"
    die "maven could not resolve Kafka $KAFKA_VERSION"
  fi
  [ -f "$LIBS/kafka_2.13-$KAFKA_VERSION.jar" ] || die "kafka_2.13-$KAFKA_VERSION.jar missing after fetch"
  [ -f "$LIBS/kafka-tools-$KAFKA_VERSION.jar" ] || die "kafka-tools-$KAFKA_VERSION.jar missing after fetch"
  rm -rf "$tmp"
  date -u +%FT%TZ >"$MARKER"
  log "fetched $(find "$LIBS" -name '*.jar' | wc -l) jars ($(du -sh "$LIBS" | cut -f1)) in $(($(date +%s) - t0))s"
}

# ---------------------------------------------------------------- helpers
write_tools_log4j() {
  mkdir -p "$DATA_DIR"
  if [ "$major" -ge 4 ]; then
    cat >"$LOG4J_TOOLS" <<'EOF'
status = warn
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.err.ref = STDERR
EOF
  else
    cat >"$LOG4J_TOOLS" <<'EOF'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
  fi
}

log4j_flag() { # $1 = config file
  if [ "$major" -ge 4 ]; then echo "-Dlog4j2.configurationFile=$1"; else echo "-Dlog4j.configuration=file:$1"; fi
}

# Run a Kafka tool class in the foreground (stdin/stdout passed through, logs to stderr at WARN).
run_tool() {
  local cls="$1"; shift
  [ -f "$MARKER" ] || cmd_fetch
  need_java
  [ -f "$LOG4J_TOOLS" ] || write_tools_log4j
  java -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    "$(log4j_flag "$LOG4J_TOOLS")" -cp "$LIBS/*" "$cls" "$@"
}

read_pid() { [ -f "$PID_FILE" ] && tr -dc '0-9' <"$PID_FILE" || true; }

pid_alive() { # alive and actually our broker (guards against pid reuse)
  local pid cmdline; pid="$(read_pid)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
  [[ "$cmdline" == *" $CLS_SERVER "* ]]
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

metadata_ok() { run_tool "$CLS_TOPICS" --bootstrap-server "$BOOTSTRAP" $(client_config_flag --command-config) --list >/dev/null 2>&1; }

# ---------------------------------------------------------------- security (ADR 0021)
# The protocol of the broker this data dir runs (or last ran).
running_protocol() { [ -f "$SECURITY_FILE" ] && cat "$SECURITY_FILE" || echo PLAINTEXT; }
# "<flag> <admin.properties>" for the tools when the broker is secured, nothing otherwise.
client_config_flag() { if [ "$(running_protocol)" != PLAINTEXT ] && [ -f "$ADMIN_PROPS" ]; then echo "$1 $ADMIN_PROPS"; fi; }

# KAFKA_PASSWORD_<PRINCIPAL>: upper case, '-' → '_' (chuishao-admin → KAFKA_PASSWORD_CHUISHAO_ADMIN)
password_var() { echo "KAFKA_PASSWORD_$(echo "$1" | tr '[:lower:]-' '[:upper:]_')"; }
random_password() { head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32; }
stored_password() { [ -f "$CREDENTIALS" ] && sed -n "s/^$(password_var "$1")=//p" "$CREDENTIALS" | tail -n1 || true; }
# The password of a principal: the environment's, else the one kept, else a new random one.
wanted_password() {
  local var pw; var="$(password_var "$1")"
  pw="${!var:-}"
  [ -n "$pw" ] || pw="$(stored_password "$1")"
  [ -n "$pw" ] || pw="$(random_password)"
  [[ "$pw" =~ ^[A-Za-z0-9._~@%+-]+$ ]] || die "$var: use letters, digits and . _ ~ @ % + - only (it goes into SCRAM and JAAS configuration)"
  echo "$pw"
}
keep_password() { # principal password: (re)writes its line in the 0600 credentials file
  local var; var="$(password_var "$1")"
  ( umask 077; touch "$CREDENTIALS" )
  chmod 600 "$CREDENTIALS"
  { grep -v "^$var=" "$CREDENTIALS" || true; echo "$var=$2"; } >"$CREDENTIALS.tmp"
  chmod 600 "$CREDENTIALS.tmp"
  mv "$CREDENTIALS.tmp" "$CREDENTIALS"
}

# The principals of the ACL model (services, departments, admin), from the compiled CLI; builds the
# project first when the compiled model is missing or older than its sources (a fresh clone).
CLI_ACLS="$REPO_ROOT/dist/apps/cli/src/kafka-acls.js"
ensure_cli() {
  [ -d "$REPO_ROOT/node_modules" ] || die "node_modules missing: run \`npm ci\` first (the ACLs come from the project's code)"
  if [ ! -f "$CLI_ACLS" ] || [ -n "$(find "$REPO_ROOT/libs/shared/messaging/src/acls.ts" "$REPO_ROOT/apps/cli/src/kafka-acls.ts" \
        "$REPO_ROOT/libs/shared/contracts/src" "$REPO_ROOT/libs/catalog/src/data" -newer "$CLI_ACLS" -print -quit 2>/dev/null)" ]; then
    err "building the project (the ACL model is compiled code) ..."
    (cd "$REPO_ROOT" && npx tsc -p tsconfig.build.json) || die "build failed"
  fi
}
principals() { ensure_cli; node "$REPO_ROOT/scripts/cli.js" kafka-acls principals; }

# Client settings of a principal as environment lines (the variables of KafkaClientConfig).
client_env_lines() { # principal
  local protocol pw; protocol="$(running_protocol)"
  echo "KAFKA_BROKERS=$BOOTSTRAP"
  [ "$protocol" = PLAINTEXT ] && return 0
  pw="$(stored_password "$1")"
  [ -n "$pw" ] || die "no credentials for $1 in $CREDENTIALS"
  echo "KAFKA_SASL_USERNAME=$1"
  echo "KAFKA_SASL_PASSWORD=$pw"
  echo "KAFKA_SASL_MECHANISM=scram-sha-512"
  if [ "$protocol" = SASL_SSL ]; then echo "KAFKA_TLS=true"; echo "KAFKA_TLS_CA_FILE=$TLS_DIR/ca.pem"; fi
}

# A local CA and the broker's certificate for 127.0.0.1/localhost (keytool, once per data dir).
ensure_tls() {
  [ -f "$TLS_DIR/broker.p12" ] && [ -f "$TLS_DIR/ca.pem" ] && return 0
  command -v keytool >/dev/null 2>&1 || die "keytool not found (comes with the JDK): needed for KAFKA_TLS=true"
  local pw; pw="$(stored_password tls-keystore)"
  [ -n "$pw" ] || { pw="$(random_password)"; keep_password tls-keystore "$pw"; }
  rm -rf "$TLS_DIR"; ( umask 077; mkdir -p "$TLS_DIR" )
  log "creating a local CA and the broker's certificate in $TLS_DIR"
  local kt=(keytool -storetype PKCS12 -storepass "$pw" -keyalg RSA -keysize 2048 -validity 3650)
  "${kt[@]}" -genkeypair -alias ca -dname "CN=Chuishao local Kafka CA" -ext bc:c -keystore "$TLS_DIR/ca.p12" >/dev/null 2>&1
  keytool -exportcert -rfc -alias ca -keystore "$TLS_DIR/ca.p12" -storepass "$pw" >"$TLS_DIR/ca.pem" 2>/dev/null
  "${kt[@]}" -genkeypair -alias broker -dname "CN=localhost" -keystore "$TLS_DIR/broker.p12" >/dev/null 2>&1
  keytool -certreq -alias broker -keystore "$TLS_DIR/broker.p12" -storepass "$pw" 2>/dev/null \
    | keytool -gencert -rfc -alias ca -keystore "$TLS_DIR/ca.p12" -storepass "$pw" -validity 3650 -ext "SAN=ip:127.0.0.1,dns:localhost" >"$TLS_DIR/broker.pem" 2>/dev/null
  keytool -importcert -noprompt -alias ca -file "$TLS_DIR/ca.pem" -keystore "$TLS_DIR/broker.p12" -storepass "$pw" >/dev/null 2>&1
  keytool -importcert -noprompt -alias broker -file "$TLS_DIR/broker.pem" -keystore "$TLS_DIR/broker.p12" -storepass "$pw" >/dev/null 2>&1 \
    || die "could not create the broker's certificate in $TLS_DIR"
  chmod 600 "$TLS_DIR"/*.p12
}

# The passwords of the principals the credentials file does not have yet (before the format, which
# adds them all; later ones are added by sync_scram_users once the broker is up).
ensure_credentials() {
  local p
  for p in $(principals); do [ -n "$(stored_password "$p")" ] || keep_password "$p" "$(wanted_password "$p")"; done
}

# SCRAM users the broker does not have yet, or whose password the environment changed (kafka-configs).
sync_scram_users() {
  local p pw known
  known="$(run_tool "$CLS_CONFIGS" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN_PROPS" \
    --describe --entity-type users 2>/dev/null | sed -n "s/^SCRAM credential configs for user-principal '\([^']*\)'.*/\1/p")" \
    || die "could not list the SCRAM users (see $SERVER_LOG)"
  for p in $(principals); do
    pw="$(wanted_password "$p")"
    if grep -qx "$p" <<<"$known" && [ "$pw" = "$(stored_password "$p")" ]; then continue; fi
    if [ "$p" = "$ADMIN" ]; then # the broker's own login: only a new data dir changes it
      err "$(password_var "$ADMIN") differs from the one in $CREDENTIALS: ignored (the admin's password changes with \`kafka.sh reset\`)"
      continue
    fi
    log "SCRAM user $p"
    # the password goes through a 0600 file, not the command line; one mechanism a request
    local mechanism
    for mechanism in SCRAM-SHA-512 SCRAM-SHA-256; do
      ( umask 077; printf '%s=password=%s\n' "$mechanism" "$pw" >"$DATA_DIR/.scram-user" )
      run_tool "$CLS_CONFIGS" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN_PROPS" --alter \
        --add-config-file "$DATA_DIR/.scram-user" --entity-type users --entity-name "$p" >/dev/null \
        || { rm -f "$DATA_DIR/.scram-user"; die "could not create the SCRAM user $p"; }
    done
    rm -f "$DATA_DIR/.scram-user"
    keep_password "$p" "$pw"
  done
}

write_admin_props() { # protocol: the tools' client settings, as chuishao-admin
  rm -f "$ADMIN_PROPS"
  [ "$1" = PLAINTEXT ] && return 0
  ( umask 077; cat >"$ADMIN_PROPS" <<EOF
security.protocol=$1
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$ADMIN" password="$(stored_password "$ADMIN")";
EOF
  )
  if [ "$1" = SASL_SSL ]; then printf 'ssl.truststore.type=PEM\nssl.truststore.location=%s\n' "$TLS_DIR/ca.pem" >>"$ADMIN_PROPS"; fi
}

apply_acls() {
  ensure_cli
  # shellcheck disable=SC2046 # one VAR=value per line, no spaces in them
  env -u CHUISHAO_TOPIC_PREFIX -u KAFKA_TLS -u KAFKA_TLS_CA_FILE $(client_env_lines "$ADMIN") \
    node "$REPO_ROOT/scripts/cli.js" kafka-acls apply --prefix '' | sed 's/^/[kafka] ACLs: /' \
    || die "could not create the ACLs"
}

is_formatted() { [ -f "$DATA_DIR/kraft-logs/meta.properties" ]; }

with_lock() { # serialise start/stop between concurrent callers (e.g. parallel test workers)
  mkdir -p "$DATA_DIR"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$DATA_DIR/.lock"
    flock -w 180 9 || die "could not acquire $DATA_DIR/.lock"
  fi
  "$@"
}

write_server_config() { # protocol: PLAINTEXT | SASL_PLAINTEXT | SASL_SSL
  local protocol="$1"
  mkdir -p "$DATA_DIR" "$LOG_DIR"
  ( umask 077; : >"$PROPS" )
  chmod 600 "$PROPS" # holds the admin's password when secured
  cat >"$PROPS" <<EOF
# Generated by deploy/kafka/kafka.sh — single-node KRaft (broker + controller), local dev/test only.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
listeners=$protocol://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=$protocol://$HOST:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=$protocol
EOF
  if [ "$protocol" = PLAINTEXT ]; then
    echo "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT" >>"$PROPS"
  else
    # Clients: SCRAM (users in the cluster metadata). The controller listener: SASL PLAIN with the
    # admin as its one static user (KRaft controllers cannot use SCRAM), so that nothing on the
    # host reaches the controller unauthenticated. Authorization: StandardAuthorizer, deny by
    # default, chuishao-admin the only super user (the broker itself talks as it).
    local pw listener; pw="$(stored_password "$ADMIN")"; listener="$(echo "$protocol" | tr '[:upper:]' '[:lower:]')"
    cat >>"$PROPS" <<EOF
listener.security.protocol.map=$protocol:$protocol,CONTROLLER:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.$listener.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$ADMIN" password="$pw";
listener.name.$listener.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$ADMIN" password="$pw" user_$ADMIN="$pw";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:$ADMIN
EOF
    if [ "$protocol" = SASL_SSL ]; then
      local kpw; kpw="$(stored_password tls-keystore)"
      cat >>"$PROPS" <<EOF
ssl.keystore.type=PKCS12
ssl.keystore.location=$TLS_DIR/broker.p12
ssl.keystore.password=$kpw
ssl.key.password=$kpw
ssl.truststore.type=PEM
ssl.truststore.location=$TLS_DIR/ca.pem
ssl.client.auth=none
EOF
    fi
  fi
  cat >>"$PROPS" <<EOF
log.dirs=$DATA_DIR/kraft-logs
num.partitions=6
default.replication.factor=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
num.network.threads=${KAFKA_NETWORK_THREADS:-3}
num.io.threads=${KAFKA_IO_THREADS:-4}
log.retention.hours=168
log.segment.bytes=1073741824
log.retention.check.interval.ms=300000
EOF
  if [ "$major" -ge 4 ]; then
    cat >"$LOG4J_SERVER" <<EOF
status = warn
name = chuishao-kafka
shutdownHook = disable
appender.file.type = RollingFile
appender.file.name = FILE
appender.file.fileName = $SERVER_LOG
appender.file.filePattern = $LOG_DIR/server.log.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 50MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = info
rootLogger.appenderRef.file.ref = FILE
logger.kafka.name = kafka
logger.kafka.level = info
logger.request.name = kafka.request.logger
logger.request.level = warn
logger.clients.name = org.apache.kafka.clients
logger.clients.level = warn
EOF
  else
    cat >"$LOG4J_SERVER" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$SERVER_LOG
log4j.appender.file.MaxFileSize=50MB
log4j.appender.file.MaxBackupIndex=3
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
EOF
  fi
  write_tools_log4j
}

format_storage() {
  if is_formatted; then
    return 0
  fi
  local cid
  if [ -s "$CLUSTER_ID_FILE" ]; then
    cid="$(tr -d '[:space:]' <"$CLUSTER_ID_FILE")"
  else
    cid="$(run_tool "$CLS_STORAGE" random-uuid | tail -n1 | tr -d '[:space:]')"
    [ -n "$cid" ] || die "StorageTool random-uuid returned nothing"
    echo "$cid" >"$CLUSTER_ID_FILE"
  fi
  log "formatting KRaft storage (cluster id $cid) in $DATA_DIR/kraft-logs"
  # SCRAM users in the first metadata, so the broker starts with them (secured data dirs only)
  local scram=() p pw
  if [ "$1" != PLAINTEXT ]; then
    for p in $(principals); do
      pw="$(stored_password "$p")"
      scram+=(--add-scram "SCRAM-SHA-512=[name=$p,password=$pw]" --add-scram "SCRAM-SHA-256=[name=$p,password=$pw]")
    done
  fi
  run_tool "$CLS_STORAGE" format --ignore-formatted -t "$cid" -c "$PROPS" "${scram[@]}" >>"$LOG_DIR/format.log" 2>&1 \
    || { cat "$LOG_DIR/format.log" >&2; die "storage format failed"; }
}

# ---------------------------------------------------------------- start / stop
do_start() {
  if pid_alive && port_open "$PORT"; then
    log "Kafka already running (pid $(read_pid)) on $(running_protocol)://$BOOTSTRAP"
    if [ "$SECURITY" = plaintext ] && [ "$(running_protocol)" != PLAINTEXT ]; then err "(secured: --plaintext applies at the next start after a stop)"; fi
    if [ "$SECURITY" != plaintext ] && [ "$(running_protocol)" = PLAINTEXT ]; then err "warning: it is the PLAINTEXT broker (stop it and start again for SCRAM and ACLs)"; fi
    return 0
  fi
  if pid_alive; then
    # process up but port not (yet) open: another start is in progress or it is stuck shutting down
    log "Kafka process $(read_pid) exists but $BOOTSTRAP is not answering yet; waiting"
  else
    if port_open "$PORT"; then
      if metadata_ok; then
        log "Kafka already running on $BOOTSTRAP (a broker not started from $DATA_DIR; leaving it alone)"
        return 0
      fi
      die "port $PORT is in use by something that is not a Kafka broker; set KAFKA_PORT or stop it"
    fi
    rm -f "$PID_FILE"
    cmd_fetch
    need_java
    local protocol=PLAINTEXT
    if [ "$SECURITY" != plaintext ]; then
      protocol=SASL_PLAINTEXT
      [ "$TLS" = 1 ] && protocol=SASL_SSL
      if is_formatted && ! grep -q "^$(password_var "$ADMIN")=" "$CREDENTIALS" 2>/dev/null; then
        die "$DATA_DIR was formatted without SCRAM users (a plaintext broker): \`kafka.sh reset\` first (deletes its topics), or start it with --plaintext"
      fi
      ensure_credentials
      [ "$TLS" = 1 ] && ensure_tls
    fi
    local fresh=1
    is_formatted && fresh=0
    write_server_config "$protocol"
    write_admin_props "$protocol"
    format_storage "$protocol"
    echo "$protocol" >"$SECURITY_FILE"
    local heap="${KAFKA_HEAP_OPTS:--Xms512m -Xmx1g}"
    # Every partition keeps its segment files open: a broker that many test runs gave their own
    # topics (tens of thousands of partitions) died of "Too many open files" at a soft limit of
    # 20,000. Raise the soft limit to the hard one for the broker (as Kafka's docs advise, ≥ 100,000).
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    # shellcheck disable=SC2086
    nohup java $heap \
      -server ${KAFKA_GC_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35} \
      -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
      -Dkafka.logs.dir="$LOG_DIR" "$(log4j_flag "$LOG4J_SERVER")" ${KAFKA_OPTS:-} \
      -cp "$LIBS/*" "$CLS_SERVER" "$PROPS" \
      >>"$LOG_DIR/kafka.out" 2>&1 </dev/null 9>&- &
    echo $! >"$PID_FILE"
    log "starting Kafka $KAFKA_VERSION (pid $!) ..."
  fi
  local t0 deadline
  t0=$(date +%s)
  deadline=$((t0 + START_TIMEOUT))
  while :; do
    if ! pid_alive; then
      err "Kafka exited during startup; last lines of $SERVER_LOG / kafka.out:"
      tail -n 30 "$SERVER_LOG" >&2 2>/dev/null || true
      tail -n 10 "$LOG_DIR/kafka.out" >&2 2>/dev/null || true
      rm -f "$PID_FILE"
      exit 1
    fi
    if port_open "$PORT" && metadata_ok; then
      break
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      err "Kafka did not become ready within ${START_TIMEOUT}s; see $SERVER_LOG"
      exit 1
    fi
    sleep 1
  done
  if [ "$(running_protocol)" != PLAINTEXT ] && [ -n "${fresh:-}" ]; then
    [ "$fresh" = 1 ] || sync_scram_users
    apply_acls
  fi
  log "Kafka ready on $(running_protocol)://$BOOTSTRAP (controller $HOST:$CONTROLLER_PORT) in $(($(date +%s) - t0))s"
  if [ "$(running_protocol)" = PLAINTEXT ]; then
    log "no authentication, no ACLs (--plaintext): anyone who reaches $BOOTSTRAP can read and write every topic"
  else
    log "SCRAM users and passwords: $CREDENTIALS (0600); a client's settings: kafka.sh client-env <principal>"
  fi
  log "data: $DATA_DIR  logs: $SERVER_LOG"
}

do_stop() {
  local pid; pid="$(read_pid)"
  if ! pid_alive; then
    rm -f "$PID_FILE"
    log "Kafka not running"
    return 0
  fi
  log "stopping Kafka (pid $pid) ..."
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    err "Kafka did not exit within 30s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$PID_FILE"
  log "Kafka stopped"
}

cmd_start() { with_lock do_start; }
cmd_stop() { with_lock do_stop; }
do_restart() { do_stop; do_start; }
cmd_restart() { with_lock do_restart; }

cmd_status() {
  if pid_alive && port_open "$PORT"; then
    case "$(running_protocol)" in
      PLAINTEXT) echo "running (pid $(read_pid), $BOOTSTRAP, PLAINTEXT: no authentication, no ACLs)" ;;
      *) echo "running (pid $(read_pid), $BOOTSTRAP, $(running_protocol) with SCRAM-SHA-512 and ACLs; credentials in $CREDENTIALS)" ;;
    esac
    return 0
  fi
  echo "stopped"
  return 1
}

cmd_logs() {
  [ -f "$SERVER_LOG" ] || die "no log yet at $SERVER_LOG"
  if [ -t 1 ]; then tail -n 100 -F "$SERVER_LOG"; else tail -n 200 "$SERVER_LOG"; fi
}

cmd_reset() {
  with_lock do_stop
  case "$DATA_DIR" in
    ""|"/"|"$HOME"|"$REPO_ROOT") die "refusing to delete suspicious data dir '$DATA_DIR'" ;;
  esac
  rm -rf "$DATA_DIR"
  log "deleted $DATA_DIR"
}

require_running() {
  pid_alive && port_open "$PORT" && return 0
  port_open "$PORT" && return 0 # an external broker on the port is fine for client tools
  die "Kafka is not running on $BOOTSTRAP (run: $0 start)"
}

cmd_console_producer() {
  local topic="${1:?usage: kafka.sh console-producer <topic> [key-separator]}"
  local sep="${2:-|}"
  shift $(($# < 2 ? $# : 2)) # the rest: ConsoleProducer options (e.g. --producer-property max.request.size=2000000)
  require_running
  # shellcheck disable=SC2046
  run_tool "$CLS_CONSOLE_PRODUCER" --bootstrap-server "$BOOTSTRAP" $(client_config_flag --producer.config) --topic "$topic" \
    --property parse.key=true --property "key.separator=$sep" "$@"
}

cmd_console_consumer() {
  local topic="${1:?usage: kafka.sh console-consumer <topic> [max-messages]}"
  local max="${2:-}"
  require_running
  local extra=()
  [ -n "$max" ] && extra+=(--max-messages "$max" --timeout-ms 20000)
  # shellcheck disable=SC2046
  run_tool "$CLS_CONSOLE_CONSUMER" --bootstrap-server "$BOOTSTRAP" $(client_config_flag --consumer.config) --topic "$topic" --from-beginning \
    --property print.key=true --property "key.separator=|" "${extra[@]}"
}

cmd_topics() {
  require_running
  # shellcheck disable=SC2046
  run_tool "$CLS_TOPICS" --bootstrap-server "$BOOTSTRAP" $(client_config_flag --command-config) "$@"
}

cmd_producer_perf() {
  local records="${1:-200000}" size="${2:-512}" topic="bench.producer-perf"
  require_running
  run_tool "$CLS_TOPICS" --bootstrap-server "$BOOTSTRAP" $(client_config_flag --command-config) --delete --if-exists --topic "$topic" >/dev/null 2>&1 || true
  local i
  for ((i = 0; i < 20; i++)); do # deletion is async; retry create until the old topic is gone
    if run_tool "$CLS_TOPICS" --bootstrap-server "$BOOTSTRAP" $(client_config_flag --command-config) --create --if-not-exists --topic "$topic" \
         --partitions 6 --replication-factor 1 >/dev/null 2>&1; then break; fi
    sleep 0.5
  done
  local out rc=0
  out="$(mktemp "${TMPDIR:-/tmp}/chuishao-perf.XXXXXX")"
  run_tool "$CLS_PERF" --topic "$topic" --num-records "$records" --record-size "$size" --throughput -1 \
    --producer-props "bootstrap.servers=$BOOTSTRAP" acks=all $(client_config_flag --producer.config) >"$out" 2>&1 || rc=$?
  run_tool "$CLS_TOPICS" --bootstrap-server "$BOOTSTRAP" $(client_config_flag --command-config) --delete --if-exists --topic "$topic" >/dev/null 2>&1 || true
  if [ "$rc" -ne 0 ]; then
    cat "$out" >&2; rm -f "$out"
    die "ProducerPerformance failed (rc=$rc)"
  fi
  # progress lines go to stderr; the final summary (the one with percentiles) to stdout, unchanged
  grep -v 'th,' "$out" >&2 || true
  grep 'th,' "$out" | tail -n1
  rm -f "$out"
}

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; }

main() {
  local cmd="${1:-}"
  [ $# -gt 0 ] && shift
  case "$cmd" in
    fetch) cmd_fetch; log "Kafka $KAFKA_VERSION jars in $LIBS" ;;
    start|restart)
      [ "${1:-}" = --plaintext ] && SECURITY=plaintext
      [ "$SECURITY" = plaintext ] || [ "$SECURITY" = scram ] || die "KAFKA_SECURITY must be scram or plaintext"
      if [ "$cmd" = start ]; then cmd_start; else cmd_restart; fi ;;
    stop) cmd_stop ;;
    client-env) require_running; client_env_lines "${1:-$ADMIN}" | sed 's/^/export /' ;;
    status) cmd_status ;;
    logs) cmd_logs ;;
    reset) cmd_reset ;;
    console-producer) cmd_console_producer "$@" ;;
    console-consumer) cmd_console_consumer "$@" ;;
    topics) cmd_topics "$@" ;;
    producer-perf) cmd_producer_perf "$@" ;;
    -h|--help|help|"") usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
