#!/bin/sh
# One-shot after the broker is up (docker-compose.yml's kafka-acls service): grants what
# deploy/local/kafka/acls.txt says, as admin, with Kafka's own kafka-acls.sh (one run per line;
# granting again what is granted changes nothing; a grant removed from the file is not revoked here:
# kafka-acls.sh --remove does that).
set -eu
acls=${1:-/opt/ipt/acls.txt}
config=/tmp/admin-client.properties
umask 077
cat >"$config" <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-256
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$KAFKA_ADMIN_PASSWORD";
PROPERTIES
# ${NAME:-default}: the variable from this container's environment, else the default.
grep -v '^[[:space:]]*\(#\|$\)' "$acls" | awk '{
        while (match($0, /\$\{[A-Z][A-Z0-9_]*:-[^}]*\}/)) {
            spec = substr($0, RSTART + 2, RLENGTH - 3); split_at = index(spec, ":-")
            name = substr(spec, 1, split_at - 1); value = ENVIRON[name]
            if (value == "") value = substr(spec, split_at + 2)
            $0 = substr($0, 1, RSTART - 1) value substr($0, RSTART + RLENGTH)
        }
        print }' |
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
