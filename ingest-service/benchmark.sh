#!/usr/bin/env bash
# The prefix matcher benchmark (JMH): lookups/s of the edge's block/allow lists at 10,000 and 1,000,000
# entries, beside a ConcurrentHashMap exact lookup of the same queries measured in the same run. Not
# part of ./mvnw verify. Every argument goes to JMH's command line (-f, -wi, -i, -p entries=1000000,
# -prof gc, -h); the defaults are a short run (about 6 minutes).
#
#   ingest-service/benchmark.sh [-prof gc] [JMH options]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"

# The benchmark profile adds JMH's annotation processor. Test classes compiled without it (./mvnw
# verify) lack JMH's generated harness, and Maven would not compile them again, so they are compiled
# afresh.
rm -rf ingest-service/target/test-classes
./mvnw -B -q -P benchmark -pl ingest-service -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/benchmark.classpath -Dmdep.includeScope=test

module=ingest-service
exec "$JAVA_HOME/bin/java" \
  -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/benchmark.classpath")" \
  io.iptracking.ingest.lists.BenchmarkMain PrefixMatcher "$@"
