#!/usr/bin/env bash
# Benchmark 7, start-up (bench/run.sh startup). Two parts, each in one run so that the arms see the same machine:
#  1. the standalone service (the runner jar, its production configuration, secrets given as -D): launch to the first
#     200 of /health. One first start on an empty schema (every migration runs), then ROUNDS restarts on that now
#     current schema, four arms in turn: the runner jar as built (with Micronaut AOT's generated classes, "aot"), the
#     same jar without them ("plain": those classes and their two service files deleted from a copy), and each of
#     the two with an AppCDS archive that a training run here made (-XX:ArchiveClassesAtExit; JDK 17 has no
#     -XX:+AutoCreateSharedArchive).
#  2. examples/host-app/measure.sh: the example host with and without the plugin (this build's jar), same run.
# Medians of wall time and of CPU time (user + system of the process when /health answers), which other builds on a
# shared machine disturb far less than wall time. ROUNDS (default 5); the database is the local PostgreSQL
# (127.0.0.1:5432, user postgres, psql) or DATASOURCES_DEFAULT_URL's, in a throw-away schema dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-5}"
export PGOPTIONS="--client-min-messages=warning"
# install: the host application (part 2) resolves the plugin from the local repository.
./mvnw -q -B ${MVN_FLAGS:-} install -DskipTests -Dinvoker.skip=true
out="$(mktemp -d)"
aot_jar="$(ls target/sentry-connect-*-runner.jar)"
plain_jar="$out/sentry-connect-runner-plain.jar"
cp "$aot_jar" "$plain_jar"
zip -q -d "$plain_jar" 'io/sentryconnect/standalone/aot/*' 'META-INF/services/io.micronaut.context.ApplicationContextConfigurer' \
  'META-INF/services/io.micronaut.core.optim.StaticOptimizations$Loader'
declare -A JAR=([plain]="$plain_jar" [aot]="$aot_jar")
schema="bench_startup_$RANDOM$RANDOM"
db_url="${DATASOURCES_DEFAULT_URL:-jdbc:postgresql://127.0.0.1:5432/postgres}"
psql -h 127.0.0.1 -U postgres -q -c "CREATE SCHEMA $schema" postgres
trap 'psql -h 127.0.0.1 -U postgres -q -c "DROP SCHEMA IF EXISTS $schema CASCADE" postgres; rm -rf "$out"' EXIT
tick="$(getconf CLK_TCK)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("",0)); print(s.getsockname()[1])'; }

# jar JVM options… → "wall_ms cpu_ms" from launch to the first 200 of /health; the process is then stopped (SIGTERM).
start() {
  local jar=$1 port pid t0 t1 cpu
  shift
  port="$(free_port)"
  t0=$(date +%s%N)
  java -Xmx512m "$@" -Dmicronaut.server.port="$port" -Dsentry-connect.public-url="http://localhost:$port" \
    -Ddatasources.default.url="$db_url?currentSchema=$schema" -Ddatasources.default.username=postgres \
    -Ddatasources.default.password= -DSENTRY_CLIENT_ID=bench -DSENTRY_CLIENT_SECRET=bench-secret \
    -Dsentry-connect.encryption.primary-key-id=1 -Dsentry-connect.encryption.keys.1="$(openssl rand -base64 32)" \
    -Dmicronaut.security.token.jwt.signatures.secret.platform.secret=bench-only-jwt-secret-0123456789abcdef-0123 \
    -jar "$jar" > "$out/service.log" 2>&1 &
  pid=$!
  until curl -sf "http://localhost:$port/health" > /dev/null; do
    kill -0 $pid 2>/dev/null || { tail -20 "$out/service.log" >&2; echo "the service did not start" >&2; exit 1; }
    sleep 0.01
  done
  t1=$(date +%s%N)
  cpu=$(awk -v tick="$tick" '{print int(($14 + $15) * 1000 / tick)}' /proc/$pid/stat)
  kill $pid; wait $pid 2>/dev/null || true
  echo "$(( (t1 - t0) / 1000000 )) $cpu"
}

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : int((v[NR/2] + v[NR/2+1]) / 2)}'; }

echo "== start-up | $(nproc) cores | load average $(cut -d' ' -f1-3 /proc/loadavg) | $(java -version 2>&1 | head -1)"
echo "standalone, first start on an empty schema (migrations run, AOT jar): $(start "$aot_jar" | awk '{print $1 " ms wall, " $2 " ms CPU"}')"
# The training runs: the classes a start loads, written to the archive when the JVM exits (one archive per jar).
for jar in plain aot; do
  start "${JAR[$jar]}" -XX:ArchiveClassesAtExit="$out/$jar.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off > /dev/null
done
arms="plain aot plain+cds aot+cds"
for round in $(seq 1 "$ROUNDS"); do
  line="restart $round:"
  for arm in $arms; do
    jar="${arm%+cds}"; opts=(-Xlog:cds=off)
    [ "$arm" != "$jar" ] && opts+=(-XX:SharedArchiveFile="$out/$jar.jsa")
    read -r wall cpu <<< "$(start "${JAR[$jar]}" "${opts[@]}")"; echo "$wall $cpu" >> "$out/$arm.times"
    line="$line $arm $wall ms ($cpu ms CPU),"
  done
  echo "${line%,}"
done
for arm in $arms; do
  echo "standalone restart, $arm: median $(cut -d' ' -f1 "$out/$arm.times" | median) ms wall, $(cut -d' ' -f2 "$out/$arm.times" | median) ms CPU (target: 1500 ms wall on a quiet machine)"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
PLUGIN_JAR="$(pwd)/$(ls target/sentry-connect-*.jar | grep -v -e runner -e test-fixtures)" ROUNDS="$ROUNDS" examples/host-app/measure.sh
