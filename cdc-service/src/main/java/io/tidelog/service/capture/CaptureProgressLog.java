package io.tidelog.service.capture;

import io.tidelog.capture.AdHocSnapshots;
import io.tidelog.capture.CaptureStats;
import io.tidelog.event.ChangeEvent;
import io.tidelog.event.Lsn;
import io.tidelog.service.PeriodicLifecycle;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One concise log line per second while changes flow (counts by op, the latest change, capture
 * delay behind the commit), and one line a minute when idle; while an ad-hoc snapshot runs, one line
 * every {@value #AD_HOC_EVERY_TICKS} seconds with its rows, rate and ETA.
 */
public final class CaptureProgressLog extends PeriodicLifecycle {

    private static final Logger log = LoggerFactory.getLogger("io.tidelog.progress");
    private static final long IDLE_EVERY_TICKS = 60;
    private static final long AD_HOC_EVERY_TICKS = 5;

    private final CaptureLifecycle lifecycle;
    private final RecentChanges recent;
    private CaptureStats.Snapshot previous;
    private long idleTicks;
    private long ticks;

    public CaptureProgressLog(CaptureLifecycle lifecycle, RecentChanges recent) {
        super("tidelog-progress", Duration.ofSeconds(1), Duration.ofSeconds(1));
        this.lifecycle = lifecycle;
        this.recent = recent;
    }

    @Override
    protected boolean beforeStart() {
        previous = lifecycle.capture().stats().snapshot();
        return true;
    }

    @Override
    protected void tick() {
        if (++ticks % AD_HOC_EVERY_TICKS == 0) {
            lifecycle.pipeline().adHocSnapshots().running().ifPresent(CaptureProgressLog::logAdHoc);
        }
        CaptureStats.Snapshot now = lifecycle.capture().stats().snapshot();
        CaptureStats.Snapshot before = previous;
        previous = now;
        long delta = now.total() - before.total();
        if (delta == 0) {
            if (++idleTicks % IDLE_EVERY_TICKS == 0) {
                log.info("capture idle; {} changes in total", now.total());
            }
            return;
        }
        idleTicks = 0;
        ChangeEvent last = recent.newest();
        long delayMs = now.lastEventAt() == null || now.lastCommitTime() == null ? -1
                : Duration.between(now.lastCommitTime(), now.lastEventAt()).toMillis();
        log.info("captured {}/s (c={} u={} d={} r={}) total={} lsn={} commit->capture={}ms last: {}",
                delta, now.creates() - before.creates(), now.updates() - before.updates(),
                now.deletes() - before.deletes(), now.reads() - before.reads(), now.total(),
                Lsn.format(now.lastLsn()), delayMs, describe(last));
    }

    private static void logAdHoc(AdHocSnapshots.Progress p) {
        log.info("ad-hoc {} snapshot {} {}: {}{} rows{}, {}/s{}", p.mode().name().toLowerCase(Locale.ROOT), p.id(),
                p.state().name().toLowerCase(Locale.ROOT), p.rows(),
                p.estimatedRows() == null ? "" : " of ~" + p.estimatedRows(),
                p.percent() == null ? "" : String.format(Locale.ROOT, " (%.1f%%)", p.percent()),
                Math.round(p.rowsPerSecond()), p.eta() == null ? "" : ", ETA " + p.eta().toSeconds() + " s");
    }

    private static String describe(ChangeEvent e) {
        return e == null ? "-" : e.op().code() + " " + e.table() + " " + e.key();
    }
}
