package io.tidelog.log.embedded;

import java.nio.file.Path;

/**
 * Every file name of the embedded log, in one place (Kafka's {@code LogFileUtils}).
 *
 * <pre>
 * &lt;root&gt;/.lock                                 held (OS file lock) by the process that has the log open
 * &lt;root&gt;/topics/&lt;topic&gt;.properties        topic config
 * &lt;root&gt;/&lt;topic&gt;-&lt;partition&gt;/
 *     00000000000000000000.log          segment, named by its 20-digit zero-padded base offset
 *     00000000000000000000.index        sparse offset index of a sealed segment (rebuildable)
 *     00000000000000000000.timeindex    time index of a sealed segment (rebuildable)
 *     00000000000000000000.log.cleaned  cleaner output being written; deleted on recovery
 *     00000000000000000000.log.swap     complete cleaner output; recovery finishes the swap
 *     00000000000000000000.log.deleted  replaced segment awaiting its last reader; deleted on recovery
 *     cleaner-checkpoint                first dirty offset of a compacted partition
 * </pre>
 */
final class LogFiles {
    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";
    static final String CLEANED_SUFFIX = ".cleaned";
    static final String SWAP_SUFFIX = ".swap";
    static final String DELETED_SUFFIX = ".deleted";
    static final String CLEANER_CHECKPOINT = "cleaner-checkpoint";
    static final String TOPICS_DIR = "topics";
    static final String LOCK_FILE = ".lock";
    static final String TOPIC_CONFIG_SUFFIX = ".properties";

    private LogFiles() {
    }

    /** The 20-digit zero-padded base offset, so that names sort like offsets. */
    static String filenamePrefixFromOffset(long offset) {
        return String.format("%020d", offset);
    }

    static long offsetFromFileName(String fileName) {
        return Long.parseLong(fileName.substring(0, fileName.indexOf('.')));
    }

    static Path logFile(Path dir, long baseOffset) {
        return dir.resolve(filenamePrefixFromOffset(baseOffset) + LOG_SUFFIX);
    }

    static Path indexFile(Path dir, long baseOffset) {
        return dir.resolve(filenamePrefixFromOffset(baseOffset) + INDEX_SUFFIX);
    }

    static Path timeIndexFile(Path dir, long baseOffset) {
        return dir.resolve(filenamePrefixFromOffset(baseOffset) + TIME_INDEX_SUFFIX);
    }

    static Path withSuffix(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    static Path partitionDir(Path root, String topic, int partition) {
        return root.resolve(topic + "-" + partition);
    }

    static Path topicConfigFile(Path root, String topic) {
        return root.resolve(TOPICS_DIR).resolve(topic + TOPIC_CONFIG_SUFFIX);
    }

    static boolean isSegmentName(String name) {
        return name.length() == 20 + LOG_SUFFIX.length() && name.endsWith(LOG_SUFFIX);
    }
}
