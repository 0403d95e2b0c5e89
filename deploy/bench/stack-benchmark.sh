#!/usr/bin/env bash
# The whole-stack benchmark: deploy/local/stack.sh starts a private stack (its own folder, free ports,
# a fresh PostgreSQL database, a private redis-server, its own Kafka broker) from the service jars;
# StackBenchmark (e2e-tests' test sources) drives it from the outside and prints one table:
# events/s through the edge and the pipeline, consumer lag of each stage, counts at each stage
# (requests = events = enriched = request-log rows), block propagation and flag latency under
# load, and the demo app answered directly as the reference. About 4 minutes with the defaults.
#
#   deploy/bench/stack-benchmark.sh [--rate 400] [--seconds 90] [--blocks 50] [--flag-ips 100]
#
# Needs what the end-to-end tests need (deploy/local/services.sh installs it) and a JDK 21+.
# Everything it started is stopped at the end; logs stay in e2e-tests/target/e2e-stack-*/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source deploy/local/jdk.sh
JAVA_HOME=$(pick_jdk /usr/lib/jvm)
[[ -n $JAVA_HOME ]] || { echo "stack-benchmark: no JDK 21+ (set JAVA_HOME)" >&2; exit 1; }
export JAVA_HOME

deploy/local/services.sh >&2
# The service jars (stack.sh runs them) and the benchmark's classpath, in one build.
./mvnw -B -q -pl e2e-tests -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile=target/benchmark.classpath -Dmdep.includeScope=test </dev/null
cd e2e-tests
exec "$JAVA_HOME/bin/java" -Xmx1g -Djava.io.tmpdir=target -Dipt.repository="$PWD/.." \
  -Dlogback.configurationFile=src/test/resources/logback-test.xml \
  -cp "target/test-classes:$(cat target/benchmark.classpath)" io.iptracking.e2e.StackBenchmark "$@"
