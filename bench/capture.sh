#!/usr/bin/env bash
# Issue 4's capture benchmark: snapshot and streaming, Tidelog vs Debezium vs bare COPY, one run.
#   bench/capture.sh [rows]      (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -pl src-test/bench -am install -DskipTests
./mvnw -q -B -ntp -pl src-test/bench dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
exec java -Xmx2g -cp "src-test/bench/target/classes:$(cat src-test/bench/target/bench.classpath)" \
    io.tidelog.bench.CaptureBenchmark "$@"
