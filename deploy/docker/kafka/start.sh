#!/bin/sh
# The broker of docker-compose.yml, configured as deploy/local/kafka.sh configures the local one:
# clients authenticate with SASL/SCRAM-SHA-256 and are authorized by ACLs (the kafka-acls service
# applies deploy/local/kafka/acls.txt); "admin" is the super user the broker itself uses; the
# controller listener (localhost only) takes SASL/PLAIN. The principals and their passwords are
# created when the storage is first formatted; to change a password later, use kafka-configs.sh as
# admin (or down -v).
set -eu
for variable in KAFKA_ADMIN_PASSWORD INGEST_KAFKA_PASSWORD ENRICHMENT_KAFKA_PASSWORD DETECTION_KAFKA_PASSWORD \
    ADMIN_KAFKA_PASSWORD FLAGS_READER_KAFKA_PASSWORD; do
    eval "value=\${$variable:-}"
    case $value in
    '' | *[!A-Za-z0-9._-]*)
        echo "kafka: set $variable in .env (letters, digits and . _ - only)" >&2
        exit 1
        ;;
    esac
done
data=/var/lib/kafka/data
if [ -f "$data/meta.properties" ] && [ ! -f "$data/.ipt-scram" ]; then
    echo "kafka: $data was formatted without authentication, so it has no users; docker compose down -v" \
        "(admin writes the lists again from PostgreSQL)" >&2
    exit 1
fi
mkdir -p /tmp/ipt
config=/tmp/ipt/server.properties
umask 077
cat >"$config" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:9093
controller.listener.names=CONTROLLER
# INTERNAL (kafka:9092) for the containers, EXTERNAL for clients on the host (published on
# 127.0.0.1:\${KAFKA_PORT}); the controller only on the container's loopback interface.
listeners=INTERNAL://:9092,EXTERNAL://:19092,CONTROLLER://localhost:9093
advertised.listeners=INTERNAL://kafka:9092,EXTERNAL://127.0.0.1:${KAFKA_PORT:-9092}
listener.security.protocol.map=INTERNAL:SASL_PLAINTEXT,EXTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
inter.broker.listener.name=INTERNAL
log.dirs=$data
# One node: every internal topic has one replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# No other members will join: do not hold the first rebalance back.
group.initial.rebalance.delay.ms=0
# The services create their topics with the partitions and retention they need.
auto.create.topics.enable=false
PROPERTIES
# The password from the environment, not from a command line (which anyone in the container may read).
awk '{ gsub(/@INTER_BROKER_LISTENER@/, "internal"); gsub(/@ADMIN_PASSWORD@/, ENVIRON["KAFKA_ADMIN_PASSWORD"]); print }' \
    /opt/ipt/authentication.properties >>"$config"
# For the healthcheck and kafka-configs.sh / kafka-acls.sh inside this container.
cat >/tmp/ipt/admin-client.properties <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-256
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$KAFKA_ADMIN_PASSWORD";
PROPERTIES
if [ ! -f "$data/meta.properties" ]; then
    /opt/kafka/bin/kafka-storage.sh format -c "$config" -t "$(/opt/kafka/bin/kafka-storage.sh random-uuid)" \
        --add-scram "SCRAM-SHA-256=[name=admin,password=$KAFKA_ADMIN_PASSWORD]" \
        --add-scram "SCRAM-SHA-256=[name=ipt-ingest,password=$INGEST_KAFKA_PASSWORD]" \
        --add-scram "SCRAM-SHA-256=[name=ipt-enrichment,password=$ENRICHMENT_KAFKA_PASSWORD]" \
        --add-scram "SCRAM-SHA-256=[name=ipt-detection,password=$DETECTION_KAFKA_PASSWORD]" \
        --add-scram "SCRAM-SHA-256=[name=ipt-admin,password=$ADMIN_KAFKA_PASSWORD]" \
        --add-scram "SCRAM-SHA-256=[name=ipt-flags-reader,password=$FLAGS_READER_KAFKA_PASSWORD]"
    : >"$data/.ipt-scram"
fi
exec /opt/kafka/bin/kafka-server-start.sh "$config"
