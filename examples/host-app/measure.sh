#!/usr/bin/env bash
# What the plugin adds to this platform: the runtime classpath (jars, MB) and the start time to the first answered
# request, with and without the sentry-connect dependency (-Dwithout-sentry-connect), on this machine, in one run.
# Needs the sentry-connect jars in the local repository (the root `./mvnw -B verify` installs them) and the local
# PostgreSQL (127.0.0.1:5432, user postgres); each start gets a fresh schema, dropped afterwards.
set -euo pipefail
export PGOPTIONS="--client-min-messages=warning"
cd "$(dirname "$0")"
MVN="../../mvnw -B -q"
ROUNDS="${ROUNDS:-3}"
OUT="$(mktemp -d)"

for variant in with without; do
  flag=""; [ "$variant" = without ] && flag="-Dwithout-sentry-connect"
  $MVN clean compile dependency:build-classpath $flag -DincludeScope=runtime -Dmdep.outputFile="$OUT/$variant.cp"
  cp -r target/classes "$OUT/$variant-classes"
  tr ':' '\n' < "$OUT/$variant.cp" | sort > "$OUT/$variant.jars"
done
added="$(comm -13 "$OUT/without.jars" "$OUT/with.jars")"
echo "runtime classpath: $(wc -l < "$OUT/without.jars") jars without the plugin, $(wc -l < "$OUT/with.jars") with it"
echo "added by the plugin: $(echo "$added" | grep -c .) jars, $(echo "$added" | xargs du -cb | tail -1 | awk '{printf "%.1f MB", $1/1000000}')"
echo "$added" | xargs -n1 basename | sed 's/^/  /'

start() { # variant → milliseconds from launch to the first 200 of GET /public/status
  local variant=$1 port schema t0 t1 pid
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("",0)); print(s.getsockname()[1])')
  schema="measure_$RANDOM$RANDOM"
  psql -h 127.0.0.1 -U postgres -q -c "CREATE SCHEMA $schema" postgres
  t0=$(date +%s%N)
  PORT=$port PLATFORM_JWT_SECRET=measure-only-jwt-secret-0123456789abcdef-0123 \
  JDBC_URL="jdbc:postgresql://127.0.0.1:5432/postgres?currentSchema=$schema" \
  SENTRY_CONNECT_SENTRY_CLIENT_ID=measure SENTRY_CONNECT_SENTRY_CLIENT_SECRET=measure-secret \
  SENTRY_CONNECT_KEY_1="$(openssl rand -base64 32)" \
    java -Xmx512m -cp "$OUT/$variant-classes:$(cat "$OUT/$variant.cp")" com.example.platform.Application > "$OUT/$variant.log" 2>&1 &
  pid=$!
  until curl -sf "http://localhost:$port/public/status" > /dev/null; do
    kill -0 $pid 2>/dev/null || { tail -5 "$OUT/$variant.log" >&2; echo failed; return; }
    sleep 0.02
  done
  t1=$(date +%s%N)
  kill $pid; wait $pid 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -q -c "DROP SCHEMA $schema CASCADE" postgres
  echo $(( (t1 - t0) / 1000000 ))
}
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round: without $(start without) ms, with $(start with) ms (launch to first 200 of /public/status, fresh schema)"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$OUT"
