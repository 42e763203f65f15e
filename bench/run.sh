#!/usr/bin/env bash
# Runs one benchmark (or all) against loopback only: builds the test classes, then starts the Sentry stand-in and the
# service as processes of their own. Each benchmark stops by itself and prints its figures.
#   bench/run.sh proxy     # 1 proxy overhead (direct, nginx, sentry-connect; wrk), and 5 footprint (start-up, RSS)
#   bench/run.sh storm     # 2 refresh storm on two instances
#   bench/run.sh linking   # 3 link flows per second
#   bench/run.sh scale     # 4 one million grants
#   bench/run.sh ratelimit # 6 one user floods link creation: 429s, /health
#   bench/run.sh startup   # 7 start-up: the standalone jar (plain and AppCDS), a host with and without the plugin
#   bench/run.sh all
# MVN_FLAGS=-o runs Maven offline; BENCH_OPTS passes -Dbench.* sizes (see each class). The database is chosen as for the tests (README, "The database"), in a throw-away
# schema dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-all}"
# Start-up measures the packaged jars, not the test classes (bench/startup.sh).
[ "$which" = startup ] && exec bench/startup.sh
./mvnw -q -B ${MVN_FLAGS:-} test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
# The proxy benchmark's load generator and its peer, from Debian's packages.
need() { command -v "$1" >/dev/null || [ -x "/usr/sbin/$1" ] || { apt-get update -qq && apt-get install -y "$2"; }; }
case "$which" in proxy|footprint|all) need wrk wrk; need nginx nginx ;; esac
cp="target/classes:target/test-classes:$(cat target/bench.classpath)"
run() { java -Xmx1g ${HARNESS_JVM:-} ${BENCH_OPTS:-} -cp "$cp" "io.sentryconnect.bench.$1"; }
case "$which" in
  proxy|footprint) run ProxyOverheadBench ;;
  storm) run RefreshStormBench ;;
  # The linking benchmark's load generator shares the 2 cores with the service: client compiler only, serial GC
  # (LinkingBench.SMALL_JVM), so that its own JIT and GC take less of them.
  linking) HARNESS_JVM="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" run LinkingBench ;;
  scale) run ScaleBench ;;
  ratelimit) run LinkRateLimitBench ;;
  all) run ProxyOverheadBench; run RefreshStormBench; run LinkingBench; run ScaleBench ;;
  *) echo "usage: bench/run.sh proxy|storm|linking|scale|ratelimit|startup|all" >&2; exit 2 ;;
esac
