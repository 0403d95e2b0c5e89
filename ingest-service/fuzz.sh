#!/usr/bin/env bash
# Fuzzes the edge's parsers of attacker-controlled input with Jazzer, each target for 30 seconds
# (the @FuzzTest maxDuration), one after the other, and says what it found.
#
#   ingest-service/fuzz.sh                 # every target
#   ingest-service/fuzz.sh RequestTargetFuzzTest#canonicalization
#
# The corpus a run grows is kept in ingest-service/.cifuzz-corpus/ (not committed). An input that
# breaks a property is written to src/test/resources/<package>/<Class>Inputs/<method>/ and from then on
# runs in every ./mvnw verify as a regression test: fix the code, keep the input, commit both.
# Needs a JDK 21+ (JAVA_HOME) and Maven Central on a first run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

TARGETS=(
    "RequestTargetFuzzTest#canonicalization"
    "ClientIpResolverFuzzTest#untrustedPeersChooseNothing"
    "ClientIpResolverFuzzTest#aClientCannotWriteLeftOfItsOwnAddress"
    "ClientIpResolverFuzzTest#parsersNeverThrowAndPassOnOnlyCleanElements"
    "ForwardingHeadersFuzzTest#writtenHeadersAreCleanAndBounded"
)
[[ $# -gt 0 ]] && TARGETS=("$@")

./mvnw -B -q install -DskipTests -pl ingest-service -am
status=0
for target in "${TARGETS[@]}"; do
    log=ingest-service/target/fuzz-${target//#/-}.log
    echo "fuzz: $target (log: $log)"
    if JAZZER_FUZZ=1 ./mvnw -B -o test -pl ingest-service -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1; then
        echo "fuzz:   $(grep -E '^Done [0-9]+ runs' "$log" | tail -1), $(grep -E 'DONE' "$log" | tail -1 | grep -oE 'cov: [0-9]+')"
    else
        status=1
        echo "fuzz:   FOUND SOMETHING: see $log and the new file under ingest-service/src/test/resources"
        grep -E "== Java Exception|AssertionError|Expect" "$log" | head -5 || true
    fi
done
exit $status
