#!/usr/bin/env bash
# End-to-end sink benchmark: PostgreSQL -> pipeline -> Redis, Tidelog vs Debezium Server 3.6, one run.
#   bench/sinks.sh [key=value ...]     e.g. updates=200000 rates=1000,10000 seconds=25 pipelines=debezium-server-3.6
# See io.tidelog.bench.sinks.SinkBenchmark for the arguments. Prints a Markdown table; the whole output
# is also saved to bench/results/sinks.txt, or to the file named by $BENCH_OUT.
#
# Debezium Server (io.debezium:debezium-server-dist:3.6.0.Final:tar.gz, 781 MB) is fetched and unpacked
# once into $TIDELOG_BENCH_CACHE (default ~/.cache/tidelog-bench); it runs on a Java 21+ launcher,
# $DEBEZIUM_JAVA (default Temurin 25). Extra JVM options for it: DEBEZIUM_JVM_OPTIONS="-Xmx1g".
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${TIDELOG_BENCH_CACHE:-$HOME/.cache/tidelog-bench}"
DBZ_VERSION=3.6.0.Final
DBZ_TGZ="$CACHE/debezium-server-dist-$DBZ_VERSION.tar.gz"
DBZ_HOME="$CACHE/debezium-server"
DEBEZIUM_JAVA="${DEBEZIUM_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"

./mvnw -q -B -ntp -pl src-test/bench -am install -DskipTests
./mvnw -q -B -ntp -pl src-test/bench dependency:build-classpath -Dmdep.outputFile=target/bench.classpath

mkdir -p "$CACHE"
if [ ! -f "$DBZ_TGZ" ]; then
    ./mvnw -q -B -ntp dependency:copy -Dartifact="io.debezium:debezium-server-dist:$DBZ_VERSION:tar.gz" \
        -DoutputDirectory="$CACHE"
fi
if [ ! -f "$DBZ_HOME/debezium-server-dist-$DBZ_VERSION-runner.jar" ]; then
    rm -rf "$DBZ_HOME"
    tar -xzf "$DBZ_TGZ" -C "$CACHE"
fi

OUT="${BENCH_OUT:-bench/results/sinks.txt}"
mkdir -p "$(dirname "$OUT")"
java -Xmx2g -cp "src-test/bench/target/classes:$(cat src-test/bench/target/bench.classpath)" \
    -Dtidelog.bench.debezium.home="$DBZ_HOME" \
    -Dtidelog.bench.debezium.java="$DEBEZIUM_JAVA" \
    -Dtidelog.bench.debezium.jvmOptions="${DEBEZIUM_JVM_OPTIONS:-}" \
    io.tidelog.bench.sinks.SinkBenchmark "$@" 2>&1 | tee "$OUT"
exit "${PIPESTATUS[0]}"
