#!/usr/bin/env bash
# The enrichment benchmark: JMH lookups/s of GeoLookup over the real GeoLite2 City database, then
# enriched events/s on a real (embedded KRaft) broker against Kafka's ConsumerPerformance on the same
# topic, printed together. Not part of ./mvnw verify.
#
#   enrichment-service/benchmark.sh [--events 2000000] [--rounds 3] [--stream-threads 2] [--commit-interval-ms 100] [--skip-jmh]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"

deploy/geoip/fetch-geolite2.sh
# The benchmark profile adds Kafka's tools and JMH's annotation processor to the test classpath. Test
# classes compiled without it (./mvnw verify) lack JMH's generated harness, and Maven would not compile
# them again, so they are compiled afresh.
rm -rf enrichment-service/target/test-classes
./mvnw -B -q -P benchmark -pl enrichment-service -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/benchmark.classpath -Dmdep.includeScope=test

module=enrichment-service
mkdir -p "$module/target/benchmark-tmp"
jdk_options=()
if "$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | grep -q 'java.specification.version = 2[3-9]'; then
  jdk_options+=(--sun-misc-unsafe-memory-access=allow)
fi
exec "$JAVA_HOME/bin/java" "${jdk_options[@]}" --enable-native-access=ALL-UNNAMED -Xmx2g \
  -Djava.io.tmpdir="$module/target/benchmark-tmp" \
  -Dlogback.configurationFile="$module/src/test/resources/logback-benchmark.xml" \
  -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/benchmark.classpath")" \
  io.iptracking.enrichment.EnrichmentBenchmark --city .local/geoip/GeoLite2-City.mmdb "$@"
