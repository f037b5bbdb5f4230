package io.tidelog.bench.sinks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time and memory of a process and its descendants (only itself for this JVM, whose children are the
 * servers), from {@code /proc} (Linux only). CPU is
 * {@code utime + stime} of the live processes in clock ticks of {@value #TICKS_PER_SECOND} Hz (the
 * kernel's {@code USER_HZ}; {@code getconf CLK_TCK}); processes that exited take their CPU with them.
 */
record ProcessStats(double cpuSeconds, long rssBytes, long peakRssBytes) {

    static final int TICKS_PER_SECOND = 100;

    static ProcessStats of(ProcessHandle root) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(root);
        if (root.pid() != ProcessHandle.current().pid()) {
            root.descendants().forEach(tree::add); // not for this JVM: its descendants are PostgreSQL and Redis
        }
        long ticks = 0;
        long rss = 0;
        long peak = 0;
        for (ProcessHandle p : tree) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
                // pid (comm) state ppid ... : fields after the last ')' start at field 3; utime and stime are 14 and 15
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        rss += kilobytes(line) * 1024;
                    } else if (line.startsWith("VmHWM:")) {
                        peak += kilobytes(line) * 1024;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // exited meanwhile
            }
        }
        return new ProcessStats((double) ticks / TICKS_PER_SECOND, rss, peak);
    }

    double cpuSince(ProcessStats earlier) {
        return cpuSeconds - earlier.cpuSeconds;
    }

    static String megabytes(long bytes) {
        return String.format("%,d", bytes / (1024 * 1024));
    }

    private static long kilobytes(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}
