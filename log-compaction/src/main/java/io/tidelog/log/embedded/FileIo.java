package io.tidelog.log.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * How segment files are opened: the one seam through which tests inject I/O faults (a full disk, a
 * failing fsync) into the data path. Production uses {@link #DEFAULT}.
 */
@FunctionalInterface
interface FileIo {
    FileIo DEFAULT = FileChannel::open;

    FileChannel open(Path file, OpenOption... options) throws IOException;
}
