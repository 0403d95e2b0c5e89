#!/usr/bin/env bash
# Benchmarks the edge (ingest-service) against nginx on this machine, in one run, and prints a table.
#
#   deploy/bench/edge-benchmark.sh            # about 10 minutes with the defaults
#   BENCH_DURATION=30 BENCH_ROUNDS=3 deploy/bench/edge-benchmark.sh
#   BENCH_PROFILE=1 deploy/bench/edge-benchmark.sh   # also a JFR profile of the proxy-mode edge
#
# Everything runs on 127.0.0.1, on free ports, and is stopped at the end, also on failure or Ctrl-C:
#   - upstream: nginx, one worker, `return 200 "ok\n"` (the application behind both proxies);
#   - reference: nginx, one worker, limit_req keyed by the client (the real IP module takes it from
#     X-Forwarded-For set by 127.0.0.1, else the peer address; the limit is far above the load, so it
#     counts but never refuses), one server that proxy_passes to the upstream (keepalive 64) and one
#     that answers with `empty_gif` (what a forward-auth decision costs nginx: a 43-byte answer from
#     memory; `return 200` would end each request before limit_req runs);
#   - the edge: ingest-service.jar in PROXY mode (upstream = the nginx above), then in CHECK mode;
#     INGEST_TRUSTED_PROXIES=127.0.0.1/32, a private Redis (redis-server on a free port, nothing
#     persisted) and a private Kafka broker (deploy/local/kafka.sh with its own state dir): request
#     events are really published and counted.
#
# What is measured (wrk -t1 -c$BENCH_CONNECTIONS --latency, $BENCH_DURATION s each, $BENCH_ROUNDS
# rounds alternating nginx and edge; the table shows the median of the rounds):
#   (a) proxy: GET /products/42 (no rate-limit rule: the edge decides from memory) and GET /login
#       with a random X-Forwarded-For per request (the default rule counts /login per client in Redis);
#   (b) decision endpoint: the edge's /check/traefik (X-Forwarded-Method/-Host/-Uri) for the same
#       two original requests vs nginx limit_req + empty_gif; and one client over its limit: a fixed
#       X-Forwarded-For asking for /login, refused after its first 5 requests by the edge's default
#       rule and by nginx's limit_req at 5 requests/minute (a password guesser's traffic);
#   (c) p99 at about half load: the proxy-mode edge at half its measured /products/42 throughput,
#       nginx at half of its own; wrk paced by deploy/bench/wrk/paced.lua (a fixed wait before each
#       request on each connection, calibrated by a short run first). The paced runs use few
#       connections ($BENCH_PACED_CONNECTIONS, more only to keep each connection's wait >= 2 ms), not
#       $BENCH_CONNECTIONS: wrk's timers fire on whole-millisecond ticks of one event loop, so many paced
#       connections send in bunches that queue behind each other at the server, which is not half
#       load. Same nginx, same rate (3-5k req/s, load 12-17): 32 paced connections gave p50 1.2-2.3 ms,
#       p99 10.6-33 ms; 8 connections p50 0.4 ms, p99 9-18 ms. On a shared 2-core machine p99 still
#       mostly measures the scheduler: read the edge's p99 against nginx's in the same run.
# The edge is warmed up unmeasured first, on each path, until its requests/s is stable (JIT done). After the runs it prints
# the edge's ipt_edge_events_{sent,dropped,failed}_total and decision counters.
#
# Environment:
#   BENCH_DURATION (20) seconds per measurement    BENCH_WARMUP (15) minimum seconds of warm-up per path
#   BENCH_WARMUP_MAX (90) maximum seconds of warm-up per path (it ends once requests/s is stable)
#   BENCH_ROUNDS (2) rounds of each comparison     BENCH_CONNECTIONS (32) wrk connections
#   BENCH_PACED_CONNECTIONS (8) wrk connections of the half-load runs (c), at least
#   BENCH_PROFILE (0) 1: record JFR during the first proxy-mode measurement and print the hot methods
#   BENCH_KEEP (0) 1: keep the run folder's Kafka and Redis data (logs and wrk output are always kept)
#   EDGE_JAR (ingest-service/target/ingest-service.jar; built with ./mvnw when missing)
#   EDGE_JAVA_OPTS (see DEFAULT_EDGE_JAVA_OPTS below) JVM flags of the edge
#   JAVA_HOME  a JDK 21+ (the edge; Kafka runs on it too)
# Needs: nginx with the realip module (Debian's nginx-light/nginx), wrk, redis-server, curl, a JDK 21+,
# and, on a first run, Maven Central for Kafka's jars (deploy/local/kafka.sh fetches them once).
# Output: the table on stdout; logs, configs and raw wrk output in .local/bench/edge-<time>/.
# The machine's load is printed before and after: on a shared 2-core machine, read ratios, not
# absolute figures, and run it again when the load was high.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/../.." && pwd)
KAFKA_SH=$REPO_DIR/deploy/local/kafka.sh

DURATION=${BENCH_DURATION:-20}
WARMUP=${BENCH_WARMUP:-15}
WARMUP_MAX=${BENCH_WARMUP_MAX:-90}
ROUNDS=${BENCH_ROUNDS:-2}
CONNS=${BENCH_CONNECTIONS:-32}
PACED_CONNS_MIN=${BENCH_PACED_CONNECTIONS:-8}
PROFILE=${BENCH_PROFILE:-0}
KEEP=${BENCH_KEEP:-0}
EDGE_JAR=${EDGE_JAR:-$REPO_DIR/ingest-service/target/ingest-service.jar}
# A fixed, pre-touched heap: no resizing or page faults during a measurement. ParallelGC: the edge's
# garbage is short-lived request data, and on 2 cores the throughput collector costs the least CPU.
DEFAULT_EDGE_JAVA_OPTS="-Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:+UseParallelGC"
EDGE_JAVA_OPTS=${EDGE_JAVA_OPTS:-$DEFAULT_EDGE_JAVA_OPTS}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
WRK=${WRK:-$(command -v wrk || echo /usr/bin/wrk)}
HOST=127.0.0.1
PLAIN_PATH=/products/42
LOGIN_PATH=/login
# nginx's path for the client over its limit: its own limit_req zone, as the edge's rule is for /login.
OVER_LIMIT_PATH=/over-limit/login
WAIT_SECONDS=120

RUN_DIR=$REPO_DIR/.local/bench/edge-$(date +%Y%m%d-%H%M%S)
declare -a STARTED=()   # "name pid" of every process this script started, in start order
KAFKA_STARTED=0
EDGE_PID=''
REFERENCE_PID=''
REDIS_PID=''
KAFKA_PID=''
EDGE_REQUESTS=0         # requests wrk completed against the edge (warm-ups included)

# Results by key: rps, p50 and p99 in ms, non-2xx responses, socket errors, CPU per request (µs)
# of the server measured and of its helpers (the edge's Kafka broker and Redis).
declare -A RPS=() P50=() P99=() NON2XX=() ERRS=() CPU=() AUX=()
# The processes whose CPU time run_wrk charges to the server measured and to its helpers.
MEASURED_PIDS=''
AUX_PIDS=''
CLK_TCK=$(getconf CLK_TCK)

die() {
    echo "edge-benchmark: $*" >&2
    exit 1
}

say() {
    echo "edge-benchmark: $*" >&2
}

# ------------------------------------------------------------------ processes and cleanup

stop_pid() {
    local name=$1 pid=$2 deadline
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS >= deadline)); then
            say "$name (pid $pid) did not stop within 30 s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.2
    done
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local status=$? i name pid
    trap - EXIT INT TERM
    set +e
    for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
        read -r name pid <<<"${STARTED[i]}"
        stop_pid "$name" "$pid"
    done
    if ((KAFKA_STARTED)); then
        KAFKA_STATE_DIR=$RUN_DIR/kafka "$KAFKA_SH" stop >>"$RUN_DIR/kafka-start.log" 2>&1 ||
            say "could not stop the Kafka broker; see $RUN_DIR/kafka-start.log"
    fi
    if [[ $KEEP != 1 && -d $RUN_DIR ]]; then
        rm -rf "$RUN_DIR/kafka/data" "$RUN_DIR/redis/data"
    fi
    if ((status != 0)); then
        say "failed (exit $status); logs in $RUN_DIR"
    fi
    exit "$status"
}

# Starts a background process, remembers it for cleanup (its pid also in LAUNCHED), and checks that
# it did not die at once.
launch() {
    local name=$1 log=$2
    shift 2
    "$@" >"$log" 2>&1 </dev/null &
    LAUNCHED=$!
    STARTED+=("$name $LAUNCHED")
    sleep 0.3
    kill -0 "$LAUNCHED" 2>/dev/null || die "$name exited at start; see $log: $(tail -n 5 "$log")"
}

forget() {
    local pid=$1 i
    for i in "${!STARTED[@]}"; do
        [[ ${STARTED[i]##* } == "$pid" ]] && unset 'STARTED[i]'
    done
    STARTED=("${STARTED[@]}")
}

port_in_use() {
    # shellcheck disable=SC2016 # expanded by the inner bash
    timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$HOST" "$1" 2>/dev/null
}

# pick_port VAR: sets VAR to a port nothing listens on and that this run has not picked before.
declare -A TAKEN=()
pick_port() {
    local port tries=0
    while ((tries++ < 200)); do
        port=$((20000 + RANDOM % 40000))
        if [[ -z ${TAKEN[$port]:-} ]] && ! port_in_use "$port"; then
            TAKEN[$port]=1
            printf -v "$1" '%s' "$port"
            return 0
        fi
    done
    die "found no free port"
}

wait_until() {
    local what=$1 deadline=$((SECONDS + WAIT_SECONDS))
    shift
    until "$@"; do
        ((SECONDS < deadline)) || die "$what not ready within ${WAIT_SECONDS}s"
        sleep 0.3
    done
}

http_ok() {
    curl -fsS -o /dev/null --max-time 2 "$@" 2>/dev/null
}

# ------------------------------------------------------------------------------ checks

preflight() {
    local tool java_version
    for tool in "$NGINX" "$WRK" redis-server redis-cli curl timeout; do
        command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (Debian: apt-get install nginx-light wrk redis-server curl)"
    done
    "$NGINX" -V 2>&1 | grep -q -- --with-http_realip_module || die "$NGINX lacks the realip module"
    [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]] || die "set JAVA_HOME to a JDK 21 or newer"
    java_version=$("$JAVA_HOME/bin/java" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')
    ((java_version >= 21)) || die "JAVA_HOME is Java $java_version; the edge needs 21 or newer"
    if [[ ! -f $EDGE_JAR ]]; then
        say "building $EDGE_JAR"
        (cd "$REPO_DIR" && ./mvnw -B -q -pl ingest-service -am package -DskipTests </dev/null) ||
            die "could not build the edge jar"
    fi
    for tool in "$DURATION" "$WARMUP" "$WARMUP_MAX" "$ROUNDS" "$CONNS" "$PACED_CONNS_MIN"; do
        [[ $tool =~ ^[1-9][0-9]*$ ]] || die "BENCH_DURATION, BENCH_WARMUP(_MAX), BENCH_ROUNDS, BENCH_CONNECTIONS and BENCH_PACED_CONNECTIONS must be positive integers"
    done
}

# ----------------------------------------------------------------------------- servers

nginx_common() {
    local dir=$1
    cat <<EOF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events {
    worker_connections 4096;
}
EOF
}

nginx_temp_paths() {
    local dir=$1
    cat <<EOF
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
EOF
}

start_upstream() {
    local dir=$RUN_DIR/nginx-upstream
    mkdir -p "$dir/tmp"
    {
        nginx_common "$dir"
        cat <<EOF
http {
$(nginx_temp_paths "$dir")
    access_log off;
    keepalive_requests 1000000;
    server {
        listen $HOST:$UPSTREAM_PORT;
        location / {
            default_type text/plain;
            return 200 "ok\n";
        }
    }
}
EOF
    } >"$dir/nginx.conf"
    launch nginx-upstream "$dir/stdout.log" "$NGINX" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf"
    wait_until "upstream nginx" http_ok "http://$HOST:$UPSTREAM_PORT/"
}

start_reference() {
    local dir=$RUN_DIR/nginx-reference
    mkdir -p "$dir/tmp"
    {
        nginx_common "$dir"
        cat <<EOF
http {
$(nginx_temp_paths "$dir")
    access_log off;
    keepalive_requests 1000000;
    # The client is who 127.0.0.1 says it is in X-Forwarded-For (rightmost untrusted address), as
    # the edge does with INGEST_TRUSTED_PROXIES=127.0.0.1/32.
    set_real_ip_from 127.0.0.1/32;
    real_ip_header X-Forwarded-For;
    real_ip_recursive on;
    # Counted per client, never refused at these loads.
    limit_req_zone \$binary_remote_addr zone=clients:64m rate=1000000r/s;
    # The edge's default rule for anonymous clients on /login: 5 requests a minute.
    limit_req_zone \$binary_remote_addr zone=sensitive:10m rate=5r/m;
    limit_req_status 429;

    upstream app {
        server $HOST:$UPSTREAM_PORT;
        keepalive 64;
    }

    server {
        listen $HOST:$REF_PROXY_PORT;
        location / {
            limit_req zone=clients burst=1000 nodelay;
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Forwarded-Host \$host;
            proxy_set_header X-Real-IP \$remote_addr;
        }
    }

    server {
        listen $HOST:$REF_CHECK_PORT;
        # empty_gif, not return: return ends the request before limit_req's phase, which never ran.
        location / {
            limit_req zone=clients burst=1000 nodelay;
            empty_gif;
        }
        location $OVER_LIMIT_PATH {
            limit_req zone=sensitive burst=5 nodelay;
            empty_gif;
        }
    }
}
EOF
    } >"$dir/nginx.conf"
    launch nginx-reference "$dir/stdout.log" "$NGINX" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf"
    REFERENCE_PID=$LAUNCHED
    wait_until "reference nginx" http_ok "http://$HOST:$REF_PROXY_PORT/"
    wait_until "reference nginx" http_ok "http://$HOST:$REF_CHECK_PORT/"
}

redis_ping() {
    [[ $(timeout 2 redis-cli -h "$HOST" -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]
}

start_redis() {
    mkdir -p "$RUN_DIR/redis/data"
    launch redis "$RUN_DIR/redis/redis.log" redis-server --bind "$HOST" --port "$REDIS_PORT" \
        --save '' --appendonly no --dir "$RUN_DIR/redis/data"
    REDIS_PID=$LAUNCHED
    wait_until "redis" redis_ping
}

start_kafka() {
    KAFKA_STARTED=1
    KAFKA_STATE_DIR=$RUN_DIR/kafka KAFKA_PORT=$KAFKA_PORT "$KAFKA_SH" start >"$RUN_DIR/kafka-start.log" 2>&1 ||
        die "Kafka did not start: $(tail -n 20 "$RUN_DIR/kafka-start.log")"
    KAFKA_PID=$(<"$RUN_DIR/kafka/kafka.pid")
}

edge_ready() {
    http_ok "http://$HOST:$EDGE_MGMT_PORT/actuator/health/readiness"
}

start_edge() {
    local mode=$1 log=$RUN_DIR/edge-${1,,}.log
    # shellcheck disable=SC2086 # EDGE_JAVA_OPTS is a list of flags
    launch "edge-$mode" "$log" env INGEST_MODE="$mode" INGEST_HOST=$HOST INGEST_PORT="$EDGE_PORT" \
        INGEST_MANAGEMENT_PORT="$EDGE_MGMT_PORT" INGEST_UPSTREAM_URL="http://$HOST:$UPSTREAM_PORT" \
        INGEST_TRUSTED_PROXIES=$HOST/32 INGEST_REDIS_URL="redis://$HOST:$REDIS_PORT" INGEST_REDIS_KEY_PREFIX=ipt:bench: \
        KAFKA_BOOTSTRAP_SERVERS="$HOST:$KAFKA_PORT" "$JAVA_HOME/bin/java" $EDGE_JAVA_OPTS -jar "$EDGE_JAR"
    EDGE_PID=$LAUNCHED
    local deadline=$((SECONDS + WAIT_SECONDS))
    until edge_ready; do
        kill -0 "$EDGE_PID" 2>/dev/null || die "the edge ($mode) exited during start-up; see $log"
        ((SECONDS < deadline)) || die "the edge ($mode) was not ready within ${WAIT_SECONDS}s; see $log"
        sleep 0.5
    done
    say "edge ($mode) ready (pid $EDGE_PID)"
}

stop_edge() {
    stop_pid edge "$EDGE_PID"
    forget "$EDGE_PID"
    EDGE_PID=''
}

metric() {
    # Sum of one Prometheus series family (with any labels) from the edge.
    local name=$1
    curl -fsS --max-time 5 "http://$HOST:$EDGE_MGMT_PORT/actuator/prometheus" |
        awk -v n="$name" '$1 == n || index($1, n "{") == 1 { s += $2 } END { printf "%d\n", s }'
}

# Waits until the edge's event queue is empty, then prints its event and decision counters.
edge_counters() {
    local label=$1 deadline=$((SECONDS + 30))
    until (($(metric ipt_edge_events_queued) == 0)); do
        ((SECONDS < deadline)) || break
        sleep 0.5
    done
    sleep 2 # acknowledgements of the last batches
    local sent dropped failed queued
    sent=$(metric ipt_edge_events_sent_total)
    dropped=$(metric ipt_edge_events_dropped_total)
    failed=$(metric ipt_edge_events_failed_total)
    queued=$(metric ipt_edge_events_queued)
    COUNTERS+=("$(printf '%-13s ipt_edge_events_sent_total=%s dropped=%s failed=%s queued=%s  (wrk completed %s requests on the edge, warm-ups and calibration included)' \
        "$label" "$sent" "$dropped" "$failed" "$queued" "$EDGE_REQUESTS")")
    COUNTERS+=("$(printf '%-13s ipt_edge_ratelimit_store_errors_total=%s (Redis calls that failed or timed out; the edge then counts locally for a while)' \
        "$label" "$(metric ipt_edge_ratelimit_store_errors_total)")")
    COUNTERS+=("$(printf '%-13s ipt_edge_ratelimit_remembered_refusals_total=%s (refused without asking Redis: Redis had refused the client less than a second before)' \
        "$label" "$(metric ipt_edge_ratelimit_remembered_refusals_total)")")
    COUNTERS+=("$(printf '%-13s decisions: %s' "$label" "$(curl -fsS --max-time 5 "http://$HOST:$EDGE_MGMT_PORT/actuator/prometheus" |
        awk '/^ipt_edge_decisions_total\{/ { match($0, /decision="[A-Z_]+"/); d = substr($0, RSTART + 10, RLENGTH - 11); match($0, /rule="[^"]*"/); r = substr($0, RSTART + 6, RLENGTH - 7); printf "%s/%s=%d ", d, r, $2 }')")")
    if ((dropped > 0 || failed > 0)); then
        COUNTERS+=("WARNING: the $label dropped or failed events")
    fi
    EDGE_REQUESTS=0
}

# ---------------------------------------------------------------------------------- wrk

# CPU time (clock ticks) used so far by the given processes and their children (nginx's workers).
cpu_ticks() {
    local pid child total=0
    for pid in "$@"; do
        for child in "$pid" $(pgrep -P "$pid" || true); do
            [[ -r /proc/$child/stat ]] || continue
            # utime and stime: fields 14 and 15, counted after the ")" that ends the command name.
            total=$((total + $(sed 's/^.*) //' "/proc/$child/stat" | awk '{ print $12 + $13 }')))
        done
    done
    echo "$total"
}

to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
        printf "%.3f", n }'
}

# run_wrk KEY SECONDS CONNECTIONS URL [wrk options…]: one measurement, stored under KEY.
run_wrk() {
    local key=$1 seconds=$2 conns=$3 url=$4
    shift 4
    local file=${key//[\/#]/_}
    local out=$RUN_DIR/wrk/$file.txt requests cpu0 aux0 cpu1 aux1
    # shellcheck disable=SC2086 # lists of pids
    {
        cpu0=$(cpu_ticks $MEASURED_PIDS)
        aux0=$(cpu_ticks $AUX_PIDS)
    }
    "$WRK" -t1 -c"$conns" -d"${seconds}s" --timeout 5s --latency "$@" "$url" >"$out" 2>&1 ||
        die "wrk failed for $key: $(tail -n 5 "$out")"
    # shellcheck disable=SC2086 # lists of pids
    {
        cpu1=$(cpu_ticks $MEASURED_PIDS)
        aux1=$(cpu_ticks $AUX_PIDS)
    }
    requests=$(awk '/requests in/ { print $1 }' "$out")
    ((requests > 0)) || die "wrk completed no request for $key; see $out"
    CPU[$key]=$(awk -v t=$((cpu1 - cpu0)) -v hz="$CLK_TCK" -v n="$requests" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }')
    AUX[$key]=$(awk -v t=$((aux1 - aux0)) -v hz="$CLK_TCK" -v n="$requests" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }')
    RPS[$key]=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
    P50[$key]=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
    P99[$key]=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
    NON2XX[$key]=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
    NON2XX[$key]=${NON2XX[$key]:-0}
    ERRS[$key]=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' "$out")
    ERRS[$key]=${ERRS[$key]:-0}
    [[ -n ${RPS[$key]} ]] || die "no result from wrk for $key; see $out"
    if [[ $url == *":$EDGE_PORT/"* ]]; then
        EDGE_REQUESTS=$((EDGE_REQUESTS + requests))
    fi
    printf 'edge-benchmark: %-26s %7.0f req/s  p50 %7.3f ms  p99 %7.3f ms  CPU %5.0f+%-3.0f µs/req  non-2xx %s  socket errors %s\n' \
        "$key" "${RPS[$key]}" "${P50[$key]}" "${P99[$key]}" "${CPU[$key]}" "${AUX[$key]}" "${NON2XX[$key]}" "${ERRS[$key]}" >&2
}

# Median of the numbers on stdin.
median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# med ARRAY KEY: median over the rounds KEY#1…KEY#n.
med() {
    local -n values=$1
    local key=$2 r
    for ((r = 1; r <= ROUNDS; r++)); do
        echo "${values[$key#$r]}"
    done | median
}

sum_rounds() {
    local -n values=$1
    local key=$2 r total=0
    for ((r = 1; r <= ROUNDS; r++)); do
        total=$((total + ${values[$key#$r]}))
    done
    echo "$total"
}

# Scenario definitions: the wrk arguments for nginx and for the edge.
# shellcheck disable=SC2034 # used through run_pair's name references
PLAIN_XFF=(-H "X-Forwarded-For: 198.51.100.7")
RANDOM_XFF=(-s "$SCRIPT_DIR/wrk/random-xff.lua")
GUESSER_XFF=(-H "X-Forwarded-For: 203.0.113.66")

# measure nginx|edge: which processes the next measurements charge CPU time to. The upstream nginx
# serves both sides alike and is left out.
measure() {
    if [[ $1 == nginx ]]; then
        MEASURED_PIDS=$REFERENCE_PID
        AUX_PIDS=''
    else
        MEASURED_PIDS=$EDGE_PID
        AUX_PIDS="$KAFKA_PID $REDIS_PID"
    fi
}

# run_pair NAME NGINX_URL EDGE_URL [wrk options…]: ROUNDS rounds, nginx then edge.
run_pair() {
    local name=$1 nginx_url=$2 edge_url=$3 r
    shift 3
    for ((r = 1; r <= ROUNDS; r++)); do
        measure nginx
        run_wrk "$name/nginx#$r" "$DURATION" "$CONNS" "$nginx_url" "$@"
        measure edge
        run_wrk "$name/edge#$r" "$DURATION" "$CONNS" "$edge_url" "$@"
    done
}

# warm_up URL [wrk options…]: unmeasured load in 5 s steps, at least $WARMUP s, until two steps in a
# row agree within 10% on requests/s (the JIT is done), at most $WARMUP_MAX s. On a busy machine
# the JIT takes much longer than on an idle one.
warm_up() {
    local url=$1 started=$SECONDS key previous=0 current
    shift
    while :; do
        key="warmup-$((++WARMUPS))"
        run_wrk "$key" 5 "$CONNS" "$url" "$@"
        current=${RPS[$key]}
        if ((SECONDS - started >= WARMUP)) &&
            awk -v p="$previous" -v c="$current" 'BEGIN { exit !(p > 0 && c > 0 && (c - p) / c < 0.1 && (p - c) / c < 0.1) }'; then
            return 0
        fi
        if ((SECONDS - started >= WARMUP_MAX)); then
            say "warm-up: requests/s still changing after ${WARMUP_MAX}s; measuring anyway"
            return 0
        fi
        previous=$current
    done
}

# Half load: few connections (see the header), each waiting an interval before each request. Two 5 s
# runs calibrate the interval (the response time adds to it), then the measured run.
paced() {
    local key=$1 url=$2 target=$3
    local conns interval achieved step
    # At least 2 ms between requests of one connection: wrk's timers count whole milliseconds, and
    # with less the calibrated interval cannot reach the target (seen: 69% of it at 0.91 ms).
    conns=$(awk -v t="$target" -v c="$PACED_CONNS_MIN" 'BEGIN { n = int(t * 2 / 1000 + 0.5); if (n < c) n = c; print n }')
    interval=$(awk -v t="$target" -v c="$conns" 'BEGIN { printf "%.3f", c * 1000 / t }')
    # Two steps: the response time and the timers' rounding make one step fall 20% short.
    for step in 1 2; do
        export WRK_INTERVAL_MS=$interval
        run_wrk "$key-calibration$step" 5 "$conns" "$url" -s "$SCRIPT_DIR/wrk/paced.lua" "${PLAIN_XFF[@]}"
        achieved=${RPS[$key-calibration$step]}
        interval=$(awk -v i="$interval" -v a="$achieved" -v t="$target" 'BEGIN { printf "%.3f", i * a / t }')
    done
    export WRK_INTERVAL_MS=$interval
    run_wrk "$key" "$DURATION" "$conns" "$url" -s "$SCRIPT_DIR/wrk/paced.lua" "${PLAIN_XFF[@]}"
    PACED_CONNS[$key]=$conns
    PACED_INTERVAL[$key]=$interval
    PACED_TARGET[$key]=$target
}

# ----------------------------------------------------------------------------- report

row() {
    local label=$1 name=$2
    local nr nl5 nl9 nc er el5 el9 ec ea nerr
    nr=$(med RPS "$name/nginx")
    nl5=$(med P50 "$name/nginx")
    nl9=$(med P99 "$name/nginx")
    nc=$(med CPU "$name/nginx")
    er=$(med RPS "$name/edge")
    el5=$(med P50 "$name/edge")
    el9=$(med P99 "$name/edge")
    ec=$(med CPU "$name/edge")
    ea=$(med AUX "$name/edge")
    nerr="$(sum_rounds NON2XX "$name/nginx")/$(sum_rounds NON2XX "$name/edge")"
    printf '%-40s %7.0f %6.2f %7.2f %6.0f | %7.0f %6.2f %7.2f %6.0f %5.0f | %5.2fx %9s\n' \
        "$label" "$nr" "$nl5" "$nl9" "$nc" "$er" "$el5" "$el9" "$ec" "$ea" \
        "$(awk -v e="$er" -v n="$nr" 'BEGIN { print e / n }')" "$nerr"
}

paced_row() {
    local label=$1 key=$2
    printf '%-40s %7.0f %6.2f %7.2f %6.0f   (target %.0f req/s: %d connections, %.2f ms between requests)\n' \
        "$label" "${RPS[$key]}" "${P50[$key]}" "${P99[$key]}" "${CPU[$key]}" "${PACED_TARGET[$key]}" "${PACED_CONNS[$key]}" "${PACED_INTERVAL[$key]}"
}

report() {
    local line
    line=$(printf '%.0s-' {1..118})
    echo
    echo "Edge benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(uname -n)"
    echo "nproc: $(nproc); load average before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "wrk -t1 -c$CONNS --latency, ${DURATION} s per measurement, median of $ROUNDS rounds (nginx and edge alternating)"
    echo "nginx: $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'), one worker per server; edge JVM: $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)"
    echo "edge JVM flags: $EDGE_JAVA_OPTS"
    echo "$line"
    printf '%-40s %-29s | %-35s | %-6s %9s\n' "" "nginx (reference)" "edge" "edge/" "non-2xx"
    printf '%-40s %7s %6s %7s %6s | %7s %6s %7s %6s %5s | %6s %9s\n' "scenario" "r/s" "p50ms" "p99ms" "µs/req" "r/s" "p50ms" "p99ms" "µs/req" "+aux" "nginx" "n/e"
    echo "$line"
    row "(a) proxy GET $PLAIN_PATH (no rule)" plain-proxy
    row "(a) proxy GET $LOGIN_PATH, random XFF (Redis)" login-proxy
    row "(b) check $PLAIN_PATH (no rule)" plain-check
    row "(b) check $LOGIN_PATH, random XFF (Redis)" login-check
    row "(b) check $LOGIN_PATH, 1 client over limit" over-limit-check
    echo "$line"
    printf '%-40s %7s %6s %7s %6s\n' "(c) proxy GET $PLAIN_PATH at ~half load" "r/s" "p50ms" "p99ms" "µs/req"
    paced_row "    nginx (half of its median max)" half/nginx
    paced_row "    edge (half of its median max)" half/edge
    echo "$line"
    printf '%s\n' "${COUNTERS[@]}"
    echo "(b) nginx side: limit_req + empty_gif (return 200 would skip limit_req); edge side: /check/traefik with X-Forwarded-Method/-Host/-Uri."
    echo "    1 client over limit: one X-Forwarded-For; nginx limit_req 5r/m burst 5, the edge's default rule (5/min)."
    echo "non-2xx n/e: refused responses summed over the rounds, nginx/edge (the edge limits /login to 5/min per client)."
    echo "µs/req: CPU time of the server measured (nginx master+worker, or the edge's JVM) per completed request;"
    echo "+aux: the edge's helpers' CPU per request (Kafka broker + Redis). Both exclude wrk and the upstream nginx."
    echo "CPU per request depends far less on the machine's other load than requests/s does."
    echo "raw wrk output and logs: $RUN_DIR"
}

# ------------------------------------------------------------------------------- main

main() {
    preflight
    mkdir -p "$RUN_DIR/wrk"
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
    say "uptime: $(uptime)"
    say "run folder $RUN_DIR"

    pick_port UPSTREAM_PORT
    pick_port REF_PROXY_PORT
    pick_port REF_CHECK_PORT
    pick_port REDIS_PORT
    pick_port KAFKA_PORT
    pick_port EDGE_PORT
    pick_port EDGE_MGMT_PORT
    WARMUPS=0
    COUNTERS=()
    declare -gA PACED_CONNS=() PACED_INTERVAL=() PACED_TARGET=()

    start_upstream
    start_reference
    start_redis
    start_kafka
    say "upstream :$UPSTREAM_PORT, nginx proxy :$REF_PROXY_PORT, nginx check :$REF_CHECK_PORT, redis :$REDIS_PORT, kafka :$KAFKA_PORT"

    local edge="http://$HOST:$EDGE_PORT"
    local proxy_ref="http://$HOST:$REF_PROXY_PORT"
    local check_ref="http://$HOST:$REF_CHECK_PORT"

    # (a) and (c): proxy mode.
    start_edge PROXY
    http_ok "$edge$PLAIN_PATH" || die "the edge does not proxy $PLAIN_PATH; see $RUN_DIR/edge-proxy.log"
    EDGE_REQUESTS=1
    measure edge
    warm_up "$edge$PLAIN_PATH" "${PLAIN_XFF[@]}"
    warm_up "$edge$LOGIN_PATH" "${RANDOM_XFF[@]}"
    measure nginx
    run_wrk "warmup-nginx-proxy" 3 "$CONNS" "$proxy_ref$PLAIN_PATH" "${PLAIN_XFF[@]}"
    if [[ $PROFILE == 1 ]]; then
        measure edge
        # JDK 25's CPU-time sampler also sees time in system calls; older JDKs only sample Java code.
        "$JAVA_HOME/bin/jcmd" "$EDGE_PID" JFR.start name=bench settings=profile duration="${DURATION}s" \
            filename="$RUN_DIR/edge-proxy.jfr" jdk.CPUTimeSample#enabled=true jdk.CPUTimeSample#throttle=10ms \
            >"$RUN_DIR/jfr-start.log" 2>&1 ||
            "$JAVA_HOME/bin/jcmd" "$EDGE_PID" JFR.start name=bench settings=profile duration="${DURATION}s" \
                filename="$RUN_DIR/edge-proxy.jfr" >"$RUN_DIR/jfr-start.log" 2>&1 ||
            die "could not start JFR: $(cat "$RUN_DIR/jfr-start.log")"
        run_wrk "profiled/edge" "$DURATION" "$CONNS" "$edge$PLAIN_PATH" "${PLAIN_XFF[@]}"
        sleep 2
    fi
    run_pair plain-proxy "$proxy_ref$PLAIN_PATH" "$edge$PLAIN_PATH" "${PLAIN_XFF[@]}"
    run_pair login-proxy "$proxy_ref$LOGIN_PATH" "$edge$LOGIN_PATH" "${RANDOM_XFF[@]}"
    measure nginx
    paced half/nginx "$proxy_ref$PLAIN_PATH" "$(awk -v r="$(med RPS plain-proxy/nginx)" 'BEGIN { print r / 2 }')"
    measure edge
    paced half/edge "$edge$PLAIN_PATH" "$(awk -v r="$(med RPS plain-proxy/edge)" 'BEGIN { print r / 2 }')"
    edge_counters "edge PROXY:"
    stop_edge

    # (b): check mode.
    start_edge CHECK
    local traefik=(-H "X-Forwarded-Method: GET" -H "X-Forwarded-Host: shop.example" -H "X-Forwarded-Proto: https")
    http_ok "${traefik[@]}" -H "X-Forwarded-Uri: $PLAIN_PATH" "$edge/check/traefik" || die "the edge's check endpoint does not answer 200"
    EDGE_REQUESTS=1
    measure edge
    warm_up "$edge/check/traefik" "${traefik[@]}" -H "X-Forwarded-Uri: $PLAIN_PATH" "${PLAIN_XFF[@]}"
    warm_up "$edge/check/traefik" "${traefik[@]}" -H "X-Forwarded-Uri: $LOGIN_PATH" "${RANDOM_XFF[@]}"
    measure nginx
    run_wrk "warmup-nginx-check" 3 "$CONNS" "$check_ref$PLAIN_PATH" "${PLAIN_XFF[@]}"
    run_pair plain-check "$check_ref$PLAIN_PATH" "$edge/check/traefik" \
        "${traefik[@]}" -H "X-Forwarded-Uri: $PLAIN_PATH" "${PLAIN_XFF[@]}"
    run_pair login-check "$check_ref$LOGIN_PATH" "$edge/check/traefik" \
        "${traefik[@]}" -H "X-Forwarded-Uri: $LOGIN_PATH" "${RANDOM_XFF[@]}"
    measure edge
    warm_up "$edge/check/traefik" "${traefik[@]}" -H "X-Forwarded-Uri: $LOGIN_PATH" "${GUESSER_XFF[@]}"
    run_pair over-limit-check "$check_ref$OVER_LIMIT_PATH" "$edge/check/traefik" \
        "${traefik[@]}" -H "X-Forwarded-Uri: $LOGIN_PATH" "${GUESSER_XFF[@]}"
    edge_counters "edge CHECK:"
    stop_edge

    report | tee "$RUN_DIR/report.txt"
    if [[ $PROFILE == 1 && -f $RUN_DIR/edge-proxy.jfr ]]; then
        echo
        echo "JFR profile of the proxy-mode edge ($RUN_DIR/edge-proxy.jfr, ${DURATION} s under load, profiled/edge: ${RPS[profiled/edge]} req/s):"
        local view
        for view in cpu-time-hot-methods hot-methods; do
            if "$JAVA_HOME/bin/jfr" view --width 160 "$view" "$RUN_DIR/edge-proxy.jfr" >"$RUN_DIR/$view.txt" 2>&1 &&
                ! grep -q "No events found" "$RUN_DIR/$view.txt"; then
                head -n 35 "$RUN_DIR/$view.txt"
                break
            fi
        done
    fi
}

main "$@"
