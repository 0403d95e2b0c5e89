#!/bin/sh
# compose's PostgreSQL, on its first start (docker-entrypoint-initdb.d): admin's database and its two
# roles, iptracking_owner (migrations) and iptracking_admin (what admin runs as), from the same
# deploy/local/postgres/roles.sql as deploy/local/stack.sh. On a volume made before, run it once by
# hand: docker compose exec postgres sh /docker-entrypoint-initdb.d/10-admin-roles.sh
set -eu
for variable in ADMIN_DB_PASSWORD ADMIN_DB_OWNER_PASSWORD; do
    eval "value=\${$variable:-}"
    case $value in
    '' | *[!A-Za-z0-9._-]*)
        echo "postgres: set $variable in .env (letters, digits and . _ - only)" >&2
        exit 1
        ;;
    esac
done
{
    printf "\\\\set db 'iptracking'\n\\\\set owner 'iptracking_owner'\n\\\\set owner_password '%s'\n" "$ADMIN_DB_OWNER_PASSWORD"
    printf "\\\\set runtime 'iptracking_admin'\n\\\\set runtime_password '%s'\n" "$ADMIN_DB_PASSWORD"
    cat /opt/ipt/roles.sql
} | psql -X -q -v ON_ERROR_STOP=1 -U "${POSTGRES_USER:-postgres}" -d postgres -f -
