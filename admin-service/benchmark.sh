#!/usr/bin/env bash
# The admin benchmark: block-to-topic latency (200 blocks through the API, each read back as an edge
# reads the topic) against a bare producer send, and request-log ingest through the feed (Spring Kafka
# listener container, PostgreSQL) against a plain JDBC batch insert. Not part of ./mvnw verify.
#
#   admin-service/benchmark.sh [-Drows=100000]
#
# Needs what the integration tests need: PostgreSQL (IPT_TEST_POSTGRES_*, default 127.0.0.1:5432 as
# postgres); Kafka is an embedded broker in the benchmark's JVM.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=../deploy/local/jdk.sh
source deploy/local/jdk.sh
JAVA_HOME=${JAVA_HOME:-}
JAVA_HOME=$(pick_jdk /usr/lib/jvm)
[[ -n $JAVA_HOME ]] || { echo "benchmark.sh: no JDK 21 or newer (see deploy/local/jdk.sh)" >&2; exit 1; }
export JAVA_HOME
./mvnw -B -q -pl admin-service -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/benchmark.classpath -Dmdep.includeScope=test
module=admin-service
mkdir -p "$module/target/benchmark-tmp"
options=(--enable-native-access=ALL-UNNAMED)
if (($(jdk_major "$JAVA_HOME") >= 23)); then
  options+=(--sun-misc-unsafe-memory-access=allow)
fi
exec "$JAVA_HOME/bin/java" "${options[@]}" -Xmx2g "$@" \
  -Djava.io.tmpdir="$module/target/benchmark-tmp" \
  -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/benchmark.classpath")" \
  io.iptracking.admin.AdminBenchmark
