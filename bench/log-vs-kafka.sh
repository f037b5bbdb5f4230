#!/usr/bin/env bash
# Issue 3's benchmark: the embedded log vs a real Kafka broker (KRaft, child JVM, loopback), one run:
# appends (100 B / 1 KB, batch 1 / 500, fsync per batch / every 100 ms vs acks=all), reads, compaction.
#   bench/log-vs-kafka.sh [seconds-per-round [measured-rounds]]      (default 2 3; 4-5 min on 2 cores)
# Builds only src-test/bench, against the upstream modules in the local repository (install them
# with: ./mvnw -o install -DskipTests -pl .,src-test/harness,change-event,log-compaction). Set
# MVN_OFFLINE= to let Maven download what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
offline=${MVN_OFFLINE--o}
./mvnw -q -B -ntp $offline -pl src-test/bench compile
./mvnw -q -B -ntp $offline -pl src-test/bench dependency:build-classpath \
    -Dmdep.outputFile=target/log-vs-kafka.classpath >/dev/null
# The client JVM holds both producers' buffers (2 x the in-flight window: 128 MiB each for 1 KB records);
# the broker runs in its own child JVM with -Xmx1g.
exec java -Xms3g -Xmx3g -cp "src-test/bench/target/classes:$(cat src-test/bench/target/log-vs-kafka.classpath)" \
    io.tidelog.bench.LogVsKafkaBenchmark "$@"
