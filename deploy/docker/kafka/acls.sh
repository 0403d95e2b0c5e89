#!/bin/sh
# One-shot after the broker is up (docker-compose.yml's kafka-acls service): grants what
# deploy/local/kafka/acls.txt says, as admin, with Kafka's own kafka-acls.sh (one run per line;
# granting again what is granted changes nothing). ${NAME:-default} in the file takes the default.
set -eu
acls=${1:-/opt/ipt/acls.txt}
config=/tmp/admin-client.properties
umask 077
cat >"$config" <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-256
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$KAFKA_ADMIN_PASSWORD";
PROPERTIES
grep -v '^[[:space:]]*\(#\|$\)' "$acls" | sed 's/\${[A-Z0-9_]*:-\([^}]*\)}/\1/g' |
    while read -r principal operations resource_type pattern_type name; do
        set -- --bootstrap-server kafka:9092 --command-config "$config" --add --allow-principal "User:$principal" \
            --resource-pattern-type "$(echo "$pattern_type" | tr '[:upper:]' '[:lower:]')"
        for operation in $(echo "$operations" | tr ',' ' '); do
            set -- "$@" --operation "$operation"
        done
        case $resource_type in
        TOPIC) set -- "$@" --topic "$name" ;;
        GROUP) set -- "$@" --group "$name" ;;
        TRANSACTIONAL_ID) set -- "$@" --transactional-id "$name" ;;
        CLUSTER) set -- "$@" --cluster ;;
        *)
            echo "kafka-acls: unknown resource type $resource_type" >&2
            exit 1
            ;;
        esac
        /opt/kafka/bin/kafka-acls.sh "$@" >/dev/null
        echo "kafka-acls: $principal $operations $resource_type $pattern_type $name"
    done
