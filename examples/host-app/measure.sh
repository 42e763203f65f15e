#!/usr/bin/env bash
# What the plugin adds to this platform: the runtime classpath (jars, MB) and the start time to the first answered
# request, with and without the sentry-connect dependency (-Dwithout-sentry-connect), on this machine, in one run.
# Per variant one schema: a first start on it (both Flyways migrate), then ROUNDS restarts on the now current schema
# (the usual start of a deployed platform), the variants alternating; medians of wall time and of CPU time (user +
# system of the process when it first answers, which other load on the machine disturbs far less).
# Needs the sentry-connect jars in the local repository (the root `./mvnw -B verify` installs them; PLUGIN_JAR puts
# another build of the plugin's jar in their place) and the local PostgreSQL (127.0.0.1:5432, user postgres, psql);
# the schemas are dropped afterwards. CLASSES=1 also counts the classes each variant loads to its first answer
# (-Xlog:class+load, which slows the starts a little: compare times of runs without it).
set -euo pipefail
export PGOPTIONS="--client-min-messages=warning"
cd "$(dirname "$0")"
MVN="../../mvnw -B -q"
ROUNDS="${ROUNDS:-5}"
OUT="$(mktemp -d)"

for variant in with without; do
  flag=""; [ "$variant" = without ] && flag="-Dwithout-sentry-connect"
  $MVN clean compile dependency:build-classpath $flag -DincludeScope=runtime -Dmdep.outputFile="$OUT/$variant.cp"
  cp -r target/classes "$OUT/$variant-classes"
  if [ -n "${PLUGIN_JAR:-}" ]; then
    tr ':' '\n' < "$OUT/$variant.cp" | sed "s#^.*/io/sentryconnect/sentry-connect/.*\.jar\$#$PLUGIN_JAR#" | paste -sd: > "$OUT/$variant.cp.tmp"
    mv "$OUT/$variant.cp.tmp" "$OUT/$variant.cp"
  fi
  tr ':' '\n' < "$OUT/$variant.cp" | sort > "$OUT/$variant.jars"
done
added="$(comm -13 "$OUT/without.jars" "$OUT/with.jars")"
echo "runtime classpath: $(wc -l < "$OUT/without.jars") jars without the plugin, $(wc -l < "$OUT/with.jars") with it"
echo "added by the plugin: $(echo "$added" | grep -c .) jars, $(echo "$added" | xargs du -cb | tail -1 | awk '{printf "%.1f MB", $1/1000000}')"
echo "$added" | xargs -n1 basename | sed 's/^/  /'

TICK="$(getconf CLK_TCK)"
declare -A SCHEMA
for variant in with without; do
  SCHEMA[$variant]="measure_$RANDOM$RANDOM"
  psql -h 127.0.0.1 -U postgres -q -c "CREATE SCHEMA ${SCHEMA[$variant]}" postgres
done
trap 'for s in "${SCHEMA[@]}"; do psql -h 127.0.0.1 -U postgres -q -c "DROP SCHEMA IF EXISTS $s CASCADE" postgres; done; rm -rf "$OUT"' EXIT

start() { # variant → "wall_ms cpu_ms" from launch to the first 200 of GET /public/status, on the variant's schema
  local variant=$1 port t0 t1 pid cpu
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("",0)); print(s.getsockname()[1])')
  t0=$(date +%s%N)
  PORT=$port PLATFORM_JWT_SECRET=measure-only-jwt-secret-0123456789abcdef-0123 \
  JDBC_URL="jdbc:postgresql://127.0.0.1:5432/postgres?currentSchema=${SCHEMA[$variant]}" \
  SENTRY_CONNECT_SENTRY_CLIENT_ID=measure SENTRY_CONNECT_SENTRY_CLIENT_SECRET=measure-secret \
  SENTRY_CONNECT_KEY_1="$(openssl rand -base64 32)" \
    java -Xmx512m ${CLASSES:+-Xlog:class+load=info:file=$OUT/$variant.classes.log} \
      -cp "$OUT/$variant-classes:$(cat "$OUT/$variant.cp")" com.example.platform.Application > "$OUT/$variant.log" 2>&1 &
  pid=$!
  until curl -sf "http://localhost:$port/public/status" > /dev/null; do
    kill -0 $pid 2>/dev/null || { tail -5 "$OUT/$variant.log" >&2; echo "the $variant variant did not start" >&2; exit 1; }
    sleep 0.01
  done
  t1=$(date +%s%N)
  cpu=$(awk -v tick="$TICK" '{print int(($14 + $15) * 1000 / tick)}' /proc/$pid/stat)
  # CLASSES=1: the classes loaded by then (load-independent, unlike the times), one count per variant's last start.
  [ -n "${CLASSES:-}" ] && wc -l < "$OUT/$variant.classes.log" > "$OUT/$variant.classes"
  kill $pid; wait $pid 2>/dev/null || true
  echo "$(( (t1 - t0) / 1000000 )) $cpu"
}
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : int((v[NR/2] + v[NR/2+1]) / 2)}'; }

for variant in without with; do
  echo "first start, $variant the plugin (empty schema, both Flyways migrate): $(start $variant | awk '{print $1 " ms wall, " $2 " ms CPU"}')"
done
for round in $(seq 1 "$ROUNDS"); do
  read -r wo_wall wo_cpu <<< "$(start without)"; echo "$wo_wall $wo_cpu" >> "$OUT/without.times"
  read -r w_wall w_cpu <<< "$(start with)"; echo "$w_wall $w_cpu" >> "$OUT/with.times"
  echo "restart $round: without $wo_wall ms ($wo_cpu ms CPU), with $w_wall ms ($w_cpu ms CPU) (launch to first 200 of /public/status)"
done
wall() { cut -d' ' -f1 "$OUT/$1.times" | median; }
cpu() { cut -d' ' -f2 "$OUT/$1.times" | median; }
echo "restart medians: without $(wall without) ms wall / $(cpu without) ms CPU, with $(wall with) ms wall / $(cpu with) ms CPU;" \
  "the plugin adds $(( $(wall with) - $(wall without) )) ms wall, $(( $(cpu with) - $(cpu without) )) ms CPU (target: 300 ms wall)"
[ -n "${CLASSES:-}" ] && echo "classes loaded to the first 200 (last start): without $(cat "$OUT/without.classes"), with $(cat "$OUT/with.classes"): the plugin adds $(( $(cat "$OUT/with.classes") - $(cat "$OUT/without.classes") ))"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
