#!/usr/bin/env bash
# Runs a real single-node Kafka broker (KRaft, broker and controller in one JVM) on this machine,
# without Docker, from Kafka's own jars on Maven Central.
#
# Usage:
#   deploy/local/kafka.sh start            start the broker (if not running) and wait until it answers;
#                                          prints the bootstrap address (127.0.0.1:$KAFKA_PORT) on stdout,
#                                          progress on stderr: BOOTSTRAP=$(deploy/local/kafka.sh start)
#   deploy/local/kafka.sh stop             stop it (controlled shutdown) and wait until it is gone
#   deploy/local/kafka.sh status           say whether it runs; exit 0 if it answers, 3 if not running
#   deploy/local/kafka.sh tool CLASS ARGS  run one of Kafka's tools on the same jars, e.g.
#       deploy/local/kafka.sh tool ConsumerPerformance --bootstrap-server 127.0.0.1:9092 \
#           --topic t --num-records 100000
#     A CLASS without a package is taken from org.apache.kafka.tools (ProducerPerformance,
#     ConsumerPerformance, TopicCommand, ConsoleProducer, …; ConsoleConsumer and
#     ConsumerGroupCommand from its consumer packages); give a full name for others
#     (kafka.tools.StorageTool).
#   deploy/local/kafka.sh bootstrap        print the bootstrap address of the running broker
#   deploy/local/kafka.sh acls FILE        grant what FILE says (deploy/local/kafka/acls.txt), as admin
#
# start and stop are idempotent: starting a running broker only prints its address, stopping a
# stopped one does nothing. start never leaves a half-started JVM behind: when the broker dies or
# does not answer in time it is stopped and the end of its log is printed.
#
# What it does:
#   - jars: org.apache.kafka:kafka_2.13 and kafka-tools (Kafka 4.2.1, the version the services'
#     clients use) with their runtime dependencies and a Log4j 2 SLF4J binding, listed in
#     deploy/local/kafka/pom.xml (a small pom, not a module of the build) and copied once by
#     `./mvnw dependency:copy-dependencies` into $KAFKA_LIB_DIR; copied again when that pom changes.
#   - storage: formatted on first start (kafka.tools.StorageTool random-uuid, then format) under
#     $KAFKA_STATE_DIR/data; later starts keep the data. Delete that folder (stopped) to start afresh.
#   - quorum: a static one-voter quorum (controller.quorum.voters). Kafka 4.2 also offers a dynamic
#     quorum (format --standalone + controller.quorum.bootstrap.servers), but that writes the
#     controller's address into the metadata log, so the controller port could never change; with a
#     static voter, start may pick any free controller port, on a machine shared with others.
#   - authentication, when KAFKA_ADMIN_PASSWORD is set: clients authenticate with SASL/SCRAM-SHA-256
#     on the client listener and are authorized by ACLs (StandardAuthorizer, nothing allowed without
#     one); "admin" is the super user, which the broker itself uses, created when the storage is
#     formatted; KAFKA_SCRAM_USERS are created or updated at each start. The controller listener
#     takes SASL/PLAIN with the admin password. $KAFKA_STATE_DIR/admin-client.properties holds the
#     admin's client settings for the tools (--command-config, --consumer.config). Storage formatted
#     without authentication cannot be switched: start fails and says to delete it.
#   - listeners on 127.0.0.1 only; internal topics (offsets, transactions, share state) with
#     replication factor 1 and min ISR 1; heap $KAFKA_HEAP; logs in $KAFKA_STATE_DIR/logs
#     (server.log, and kafka.out for the JVM's own output); pid in $KAFKA_STATE_DIR/kafka.pid.
#
# Environment:
#   KAFKA_PORT             (9092) the client listener; start fails if another process holds it
#   KAFKA_CONTROLLER_PORT  (a free port picked at each start) the KRaft controller listener
#   KAFKA_STATE_DIR        (.local/kafka in the repository) data, logs, config and pid file; give
#                          each broker its own (the benchmarks run a private one this way)
#   KAFKA_LIB_DIR          (.local/kafka/lib in the repository) the jars, shared by every state dir
#   KAFKA_HEAP             (512m) -Xms and -Xmx of the broker
#   KAFKA_WAIT_SECONDS     (60) how long start waits for the broker to answer
#   KAFKA_STOP_SECONDS     (30) how long stop waits for a controlled shutdown before SIGKILL
#   KAFKA_ADMIN_PASSWORD   (none) turns authentication and ACLs on (see above); letters, digits, . _ -
#   KAFKA_SCRAM_USERS      (none) more SCRAM users, "name=password" separated by spaces, same characters
#   JAVA_HOME              the JDK (17 or newer) to run Kafka with; else the java on the PATH
# Needs: bash, a JDK 17+, flock, od, and Maven Central (first start only).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/../.." && pwd)
POM=$SCRIPT_DIR/kafka/pom.xml
BROKER_LOG_CONFIG=$SCRIPT_DIR/kafka/broker-log4j2.properties
TOOLS_LOG_CONFIG=$SCRIPT_DIR/kafka/tools-log4j2.properties

STATE_DIR=${KAFKA_STATE_DIR:-$REPO_DIR/.local/kafka}
LIB_DIR=${KAFKA_LIB_DIR:-$REPO_DIR/.local/kafka/lib}
PORT=${KAFKA_PORT:-9092}
HEAP=${KAFKA_HEAP:-512m}
WAIT_SECONDS=${KAFKA_WAIT_SECONDS:-60}
STOP_SECONDS=${KAFKA_STOP_SECONDS:-30}

DATA_DIR=$STATE_DIR/data
LOG_DIR=$STATE_DIR/logs
CONFIG=$STATE_DIR/server.properties
PID_FILE=$STATE_DIR/kafka.pid
ADMIN_CLIENT_CONFIG=$STATE_DIR/admin-client.properties
HOST=127.0.0.1
ADMIN_PASSWORD=${KAFKA_ADMIN_PASSWORD:-}
SCRAM_USERS=${KAFKA_SCRAM_USERS:-}
CREDENTIAL='^[A-Za-z0-9._-]+$'

die() {
    echo "kafka.sh: $*" >&2
    exit 1
}

# Progress goes to stderr, so that stdout carries only what a caller may capture (the address).
say() {
    echo "kafka.sh: $*" >&2
}

java_cmd() {
    local java
    if [[ -n ${JAVA_HOME:-} ]]; then
        java=$JAVA_HOME/bin/java
    else
        java=$(command -v java || true)
    fi
    [[ -n $java && -x $java ]] || die "no java: set JAVA_HOME to a JDK 17 or newer"
    local version
    version=$("$java" -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p')
    version=${version#1.}
    version=${version%%[.+-]*}
    if ! [[ $version =~ ^[0-9]+$ ]] || ((version < 17)); then
        die "Kafka 4 needs Java 17 or newer; $java is ${version:-of unknown version} (set JAVA_HOME)"
    fi
    echo "$java"
}

# Copies the jars the first time, and again when the pom changed. A lock keeps two scripts that
# share $LIB_DIR (a local stack and a benchmark) from copying into it at the same time.
ensure_libs() {
    local want have='' tmp
    want=$(sha256sum "$POM" | cut -d' ' -f1)
    [[ -f $LIB_DIR/.pom.sha256 ]] && have=$(<"$LIB_DIR/.pom.sha256")
    [[ $have == "$want" ]] && return 0

    mkdir -p "$(dirname "$LIB_DIR")"
    exec 9>"$LIB_DIR.lock"
    flock -w 600 9 || die "another kafka.sh has been fetching jars into $LIB_DIR for 10 minutes"
    [[ -f $LIB_DIR/.pom.sha256 ]] && have=$(<"$LIB_DIR/.pom.sha256")
    if [[ $have != "$want" ]]; then
        say "fetching Kafka's jars from Maven Central into $LIB_DIR (once)"
        tmp=$LIB_DIR.tmp.$$
        rm -rf "$tmp"
        if ! (cd "$REPO_DIR" && ./mvnw -B -q -f "$POM" dependency:copy-dependencies \
            -DincludeScope=runtime -DoutputDirectory="$tmp" </dev/null); then
            rm -rf "$tmp"
            die "could not fetch Kafka's jars (./mvnw -f $POM dependency:copy-dependencies failed)"
        fi
        echo "$want" >"$tmp/.pom.sha256"
        rm -rf "$LIB_DIR"
        mv "$tmp" "$LIB_DIR"
    fi
    exec 9>&-
}

port_in_use() {
    # shellcheck disable=SC2016 # expanded by the inner bash
    timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$HOST" "$1" 2>/dev/null
}

free_port() {
    local port tries=0
    while ((tries++ < 200)); do
        port=$((20000 + RANDOM % 40000))
        port_in_use "$port" || {
            echo "$port"
            return 0
        }
    done
    die "found no free port"
}

# The pid of this state dir's broker, if it runs: the pid file must name a live JVM whose command
# line carries this state dir's config (a recycled pid is not taken for the broker).
broker_pid() {
    local pid
    [[ -f $PID_FILE ]] || return 1
    pid=$(<"$PID_FILE")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ -r /proc/$pid/cmdline ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "kafka.Kafka $CONFIG" || return 1
    echo "$pid"
}

# The client port the running broker was started with (from its config).
running_port() {
    sed -n "s#^listeners=[A-Z_]*://$HOST:\([0-9]*\),.*#\1#p" "$CONFIG"
}

# Sends an ApiVersions request (v0, correlation id 1) and expects a reply without error: proof that
# the broker serves the Kafka protocol, not just that a port is open.
broker_answers() {
    local reply
    # shellcheck disable=SC2016 # expanded by the inner bash
    reply=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1" || exit 1
        printf "\x00\x00\x00\x0a\x00\x12\x00\x00\x00\x00\x00\x01\x00\x00" >&3
        head -c 10 <&3' "$HOST" "$1" 2>/dev/null | od -An -v -tx1 | tr -d ' \n') || return 1
    # size (4 bytes), correlation id 00000001, error code 0000
    [[ ${reply:8:12} == 000000010000 ]]
}

write_config() {
    local controller_port=$1
    # Passwords may be in it: readable by this user only (a file from an older version may not be).
    rm -f "$CONFIG" "$ADMIN_CLIENT_CONFIG"
    (umask 077 && : >"$CONFIG")
    cat >"$CONFIG" <<EOF
# Written by deploy/local/kafka.sh at each start; edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$controller_port
controller.listener.names=CONTROLLER
log.dirs=$DATA_DIR
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# One node: 50 offsets partitions only slow down the first consumer group.
offsets.topic.num.partitions=6
# No other members will join: do not hold the first rebalance back.
group.initial.rebalance.delay.ms=0
EOF
    local protocol=PLAINTEXT
    [[ -z $ADMIN_PASSWORD ]] || protocol=SASL_PLAINTEXT
    cat >>"$CONFIG" <<EOF
listeners=$protocol://$HOST:$PORT,CONTROLLER://$HOST:$controller_port
advertised.listeners=$protocol://$HOST:$PORT
listener.security.protocol.map=$protocol:$protocol,CONTROLLER:$protocol
inter.broker.listener.name=$protocol
EOF
    [[ -n $ADMIN_PASSWORD ]] || return 0
    # Substituted by bash itself: the password on no command line.
    local template
    template=$(<"$SCRIPT_DIR/kafka/authentication.properties")
    template=${template//@INTER_BROKER_LISTENER@/sasl_plaintext}
    printf '%s\n' "${template//@ADMIN_PASSWORD@/$ADMIN_PASSWORD}" >>"$CONFIG"
    (umask 077 && cat >"$ADMIN_CLIENT_CONFIG" <<EOF
# The admin's client settings for Kafka's tools; written by deploy/local/kafka.sh at each start.
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-256
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$ADMIN_PASSWORD";
EOF
    )
}

# Checks the credentials before anything is written with them (they go into properties and JAAS lines).
check_credentials() {
    local pair
    [[ -z $ADMIN_PASSWORD || $ADMIN_PASSWORD =~ $CREDENTIAL ]] ||
        die "KAFKA_ADMIN_PASSWORD may hold only letters, digits and . _ -"
    for pair in $SCRAM_USERS; do
        [[ -n $ADMIN_PASSWORD ]] || die "KAFKA_SCRAM_USERS needs KAFKA_ADMIN_PASSWORD (authentication on)"
        [[ $pair == *=* && ${pair%%=*} =~ $CREDENTIAL && ${pair#*=} =~ $CREDENTIAL ]] ||
            die "KAFKA_SCRAM_USERS: each entry is name=password, letters, digits and . _ - only"
    done
}

# Creates or updates the SCRAM users (as admin, through the broker), and with a file, grants what it
# says: one JVM (deploy/local/kafka/KafkaPrincipals.java; a source file needs a JDK). Idempotent.
principals() {
    local java=$1
    shift
    "$java" -Xmx256m -Dlog4j2.configurationFile="$TOOLS_LOG_CONFIG" -cp "$LIB_DIR/*" "$SCRIPT_DIR/kafka/KafkaPrincipals.java" \
        "$HOST:$(running_port)" "$ADMIN_CLIENT_CONFIG" "$@"
}

format_storage() {
    local java=$1 cluster_id scram=()
    cluster_id=$("$java" -cp "$LIB_DIR/*" -Dlog4j2.configurationFile="$TOOLS_LOG_CONFIG" \
        kafka.tools.StorageTool random-uuid) || die "kafka.tools.StorageTool random-uuid failed"
    [[ -n $ADMIN_PASSWORD ]] && scram=(--add-scram "SCRAM-SHA-256=[name=admin,password=$ADMIN_PASSWORD]")
    "$java" -cp "$LIB_DIR/*" -Dlog4j2.configurationFile="$TOOLS_LOG_CONFIG" \
        kafka.tools.StorageTool format -t "$cluster_id" -c "$CONFIG" "${scram[@]}" >"$LOG_DIR/format.out" 2>&1 ||
        die "formatting $DATA_DIR failed: $(tail -n 5 "$LOG_DIR/format.out")"
    [[ -z $ADMIN_PASSWORD ]] || : >"$DATA_DIR/.ipt-scram"
    say "formatted $DATA_DIR (cluster id $cluster_id${ADMIN_PASSWORD:+, with authentication})"
}

show_log_tail() {
    local f
    for f in "$LOG_DIR/kafka.out" "$LOG_DIR/server.log"; do
        if [[ -s $f ]]; then
            echo "--- last lines of $f" >&2
            tail -n 20 "$f" >&2
        fi
    done
}

# Sends SIGTERM (controlled shutdown), waits, then SIGKILL if it must. Returns once the pid is gone.
terminate() {
    local pid=$1 deadline
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + STOP_SECONDS))
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS >= deadline)); then
            say "broker (pid $pid) still running after ${STOP_SECONDS}s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
            deadline=$((SECONDS + 10))
            while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
                sleep 0.2
            done
            kill -0 "$pid" 2>/dev/null && die "broker (pid $pid) survived SIGKILL"
            break
        fi
        sleep 0.2
    done
    rm -f "$PID_FILE"
}

cmd_start() {
    local pid java controller_port deadline
    if pid=$(broker_pid); then
        local running
        running=$(running_port)
        if [[ -n ${KAFKA_PORT:-} && $KAFKA_PORT != "$running" ]]; then
            die "a broker from $STATE_DIR already runs (pid $pid) on port $running, not $KAFKA_PORT; stop it first"
        fi
        say "already running (pid $pid)"
        echo "$HOST:$running"
        return 0
    fi
    rm -f "$PID_FILE"
    [[ $PORT =~ ^[0-9]+$ ]] || die "KAFKA_PORT must be a port number, was '$PORT'"
    port_in_use "$PORT" && die "port $PORT is already in use by another process (set KAFKA_PORT)"
    controller_port=${KAFKA_CONTROLLER_PORT:-$(free_port)}
    [[ $controller_port != "$PORT" ]] || die "KAFKA_CONTROLLER_PORT must differ from KAFKA_PORT"
    port_in_use "$controller_port" && die "controller port $controller_port is already in use (set KAFKA_CONTROLLER_PORT)"

    check_credentials
    java=$(java_cmd)
    ensure_libs
    mkdir -p "$DATA_DIR" "$LOG_DIR"
    if [[ -n $ADMIN_PASSWORD && -f $DATA_DIR/meta.properties && ! -f $DATA_DIR/.ipt-scram ]]; then
        die "$DATA_DIR was formatted without authentication, so it has no admin user; stop, delete it and start again"
    fi
    write_config "$controller_port"
    [[ -f $DATA_DIR/meta.properties ]] || format_storage "$java"

    # setsid: the broker outlives this script and is not hit by the terminal's Ctrl-C; stop ends it.
    setsid "$java" -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
        -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
        -Dkafka.logs.dir="$LOG_DIR" -Dlog4j2.configurationFile="$BROKER_LOG_CONFIG" \
        -cp "$LIB_DIR/*" kafka.Kafka "$CONFIG" >"$LOG_DIR/kafka.out" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$PID_FILE"

    deadline=$((SECONDS + WAIT_SECONDS))
    until broker_answers "$PORT"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$PID_FILE"
            show_log_tail
            die "the broker exited during start-up (logs in $LOG_DIR)"
        fi
        if ((SECONDS >= deadline)); then
            show_log_tail
            terminate "$pid"
            die "the broker did not answer on $HOST:$PORT within ${WAIT_SECONDS}s; stopped it (logs in $LOG_DIR)"
        fi
        sleep 0.5
    done
    if [[ -n $ADMIN_PASSWORD ]] && ! principals "$java" >>"$LOG_DIR/users.out" 2>&1; then
        terminate "$pid"
        die "stopped the broker: its users could not be created (log: $LOG_DIR/users.out); is KAFKA_ADMIN_PASSWORD the one $DATA_DIR was formatted with?"
    fi
    say "started (pid $pid, controller on $HOST:$controller_port, data in $DATA_DIR, logs in $LOG_DIR${ADMIN_PASSWORD:+, SASL/SCRAM and ACLs})"
    echo "$HOST:$PORT"
}

cmd_stop() {
    local pid
    if ! pid=$(broker_pid); then
        rm -f "$PID_FILE"
        say "not running"
        return 0
    fi
    terminate "$pid"
    say "stopped (pid $pid)"
}

cmd_status() {
    local pid port
    if ! pid=$(broker_pid); then
        echo "kafka.sh: not running ($STATE_DIR)"
        return 3
    fi
    port=$(running_port)
    if broker_answers "$port"; then
        echo "kafka.sh: running (pid $pid) at $HOST:$port"
        return 0
    fi
    echo "kafka.sh: running (pid $pid) but not answering on $HOST:$port (starting or stuck; logs in $LOG_DIR)"
    return 1
}

cmd_bootstrap() {
    broker_pid >/dev/null || die "not running ($STATE_DIR)"
    echo "$HOST:$(running_port)"
}

cmd_acls() {
    (($# == 1)) || die "usage: kafka.sh acls FILE"
    local java
    [[ -f $ADMIN_CLIENT_CONFIG ]] || die "no $ADMIN_CLIENT_CONFIG: start the broker with KAFKA_ADMIN_PASSWORD set"
    broker_pid >/dev/null || die "not running ($STATE_DIR)"
    java=$(java_cmd)
    ensure_libs
    KAFKA_SCRAM_USERS='' principals "$java" "$1" || die "could not apply the ACLs of $1"
}

cmd_tool() {
    (($# >= 1)) || die "usage: kafka.sh tool CLASS [ARGS…]"
    local class=$1 java
    shift
    case $class in
    *.*) ;;
    ConsoleConsumer | ConsoleShareConsumer) class=org.apache.kafka.tools.consumer.$class ;;
    ConsumerGroupCommand | ShareGroupCommand) class=org.apache.kafka.tools.consumer.group.$class ;;
    *) class=org.apache.kafka.tools.$class ;;
    esac
    java=$(java_cmd)
    ensure_libs
    exec "$java" -Xmx512m -Dlog4j2.configurationFile="$TOOLS_LOG_CONFIG" -cp "$LIB_DIR/*" "$class" "$@"
}

main() {
    local command=${1:-}
    (($# == 0)) || shift
    case $command in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    bootstrap) cmd_bootstrap ;;
    tool) cmd_tool "$@" ;;
    acls) cmd_acls "$@" ;;
    *)
        echo "usage: $0 start|stop|status|bootstrap|acls FILE|tool CLASS [ARGS…]" >&2
        exit 2
        ;;
    esac
}

main "$@"
