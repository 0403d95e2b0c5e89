#!/usr/bin/env bash
# The admin command line with the project's JDK: block and allow IPs, list entries, make API keys.
#
#   deploy/local/admin.sh block-ip 203.0.113.7 --reason "credential stuffing" --for 24h
#   deploy/local/admin.sh list-blocks --contains 203.0.113.7
#   deploy/local/admin.sh help
#
# It runs admin-service/target/admin-service.jar (./mvnw -B package -DskipTests builds it) with a JDK 21+
# chosen as the build chooses one (deploy/local/jdk.sh), and the same environment as the service:
# ADMIN_DB_URL, ADMIN_DB_USER, ADMIN_DB_PASSWORD, KAFKA_BOOTSTRAP_SERVERS, KAFKA_SASL_JAAS_CONFIG, …;
# what is not set comes from the local stack ($STACK_DIR/passwords). Exit codes: 0 done, 1 failed
# (database or Kafka), 2 bad input, 3 refused (exists, not found).
set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=jdk.sh
source "$REPO_DIR/deploy/local/jdk.sh"

JAR=$REPO_DIR/admin-service/target/admin-service.jar
if [[ ! -f $JAR ]]; then
    echo "admin.sh: $JAR is missing; build it with: ./mvnw -B package -DskipTests -pl admin-service -am" >&2
    exit 1
fi
JAVA_HOME=$(pick_jdk /usr/lib/jvm)
if [[ -z $JAVA_HOME ]]; then
    echo "admin.sh: no JDK 21 or newer found (see deploy/local/jdk.sh); set JAVA_HOME to one" >&2
    exit 1
fi
# The local stack's credentials (deploy/local/stack.sh makes them) for whatever is not set: admin's
# PostgreSQL role and its Kafka principal.
STACK_DIR=${STACK_DIR:-$REPO_DIR/.local/stack}
if [[ -r $STACK_DIR/passwords ]]; then
    while IFS='=' read -r key value; do
        [[ $key =~ ^[A-Z_]+$ && -z ${!key:-} ]] && export "$key=$value"
    done <"$STACK_DIR/passwords"
fi
if [[ -n ${ADMIN_KAFKA_PASSWORD:-} && -z ${KAFKA_SASL_JAAS_CONFIG:-} ]]; then
    export KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT KAFKA_SASL_MECHANISM=SCRAM-SHA-256
    export KAFKA_SASL_JAAS_CONFIG="org.apache.kafka.common.security.scram.ScramLoginModule required username=\"ipt-admin\" password=\"$ADMIN_KAFKA_PASSWORD\";"
fi
options=(--enable-native-access=ALL-UNNAMED)
# JDK 23+ warns that Kafka's client frees buffers through sun.misc.Unsafe unless this is allowed.
if (($(jdk_major "$JAVA_HOME") >= 23)); then
    options+=(--sun-misc-unsafe-memory-access=allow)
fi
exec "$JAVA_HOME/bin/java" "${options[@]}" -jar "$JAR" "$@"
