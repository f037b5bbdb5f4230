#!/usr/bin/env bash
# Runs the log's JMH benchmarks (io.tidelog.log.bench in the test sources) and prints a table.
# Usage: log-compaction/bench.sh [JMH args]            everything (~3 min on 2 cores)
#        log-compaction/bench.sh AppendBenchmark -prof gc   allocation per append call
#        log-compaction/bench.sh CompactionBenchmark -p mapMiB=64
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."
./mvnw -q -pl log-compaction test-compile
./mvnw -q -pl log-compaction dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.cp >/dev/null
cp="log-compaction/target/test-classes:log-compaction/target/classes:$(cat log-compaction/target/bench.cp)"
out=log-compaction/target/bench-result.csv
java -cp "$cp" org.openjdk.jmh.Main -rf csv -rff "$out" "$@" > log-compaction/target/bench.log 2>&1 \
  || { tail -40 log-compaction/target/bench.log; exit 1; }
python3 - "$out" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
head, rows = rows[0], rows[1:]
params = [h[len("Param: "):] for h in head[7:]]
print("%-46s %-44s %14s %14s  %s" % ("benchmark", "params", "score", "records/s", "unit"))
for r in rows:
    name, mode, threads, samples, score, err, unit = r[:7]
    p = {k: v for k, v in zip(params, r[7:]) if v}
    score = float(score)
    per_sec = ""
    if name.endswith("AppendBenchmark.append") and unit == "ops/s":
        per_sec = "%.0f" % (score * int(p["batch"]))
    elif name.endswith("ReadBenchmark.sequentialRead"):
        per_sec = "%.0f" % score
    elif name.endswith("compaction10PercentLive") and unit == "s/op":
        unit += "  (%.0f MB/s)" % (125.1 / score)
    print("%-46s %-44s %14.3f %14s  %s" % (name.replace("io.tidelog.log.bench.", ""),
          " ".join("%s=%s" % kv for kv in p.items()), score, per_sec, unit))
PY
