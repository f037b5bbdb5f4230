#!/usr/bin/env bash
# Issue 4's source-cost benchmark: pgbench TPS alone vs with Tidelog capturing, and commit -> log-durable
# latency at 1k and 10k events/s, one run. Needs pgbench (Debian's PostgreSQL on this machine kind).
#   bench/source-cost.sh [pgbench-seconds]      (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -pl src-test/bench -am install -DskipTests
./mvnw -q -B -ntp -pl src-test/bench dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
exec java -Xmx2g -cp "src-test/bench/target/classes:$(cat src-test/bench/target/bench.classpath)" \
    io.tidelog.bench.SourceCostBenchmark "$@"
