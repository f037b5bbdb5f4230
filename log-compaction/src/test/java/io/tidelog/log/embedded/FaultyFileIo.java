package io.tidelog.log.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * Opens real files whose channels fail on demand: writes after a byte budget ("disk full", after a
 * partial write) and forces ("fsync error"). Shared switches, flipped by tests.
 */
final class FaultyFileIo implements FileIo {
    /** Bytes that may still be written before writes fail; negative = unlimited. */
    volatile long writeBudget = -1;
    volatile boolean failForce;

    @Override
    public FileChannel open(Path file, OpenOption... options) throws IOException {
        return new Channel(FileChannel.open(file, options));
    }

    private final class Channel extends FileChannel {
        private final FileChannel d;

        Channel(FileChannel delegate) {
            this.d = delegate;
        }

        private int budgeted(ByteBuffer src) throws IOException {
            long budget = writeBudget;
            if (budget < 0) {
                return src.remaining();
            }
            if (budget == 0) {
                throw new IOException("No space left on device");
            }
            return (int) Math.min(budget, src.remaining());
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            int n = budgeted(src);
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + n);
            int written = d.write(part, position);
            src.position(src.position() + written);
            if (writeBudget >= 0) {
                writeBudget -= written;
            }
            return written;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = write(src, d.position());
            d.position(d.position() + n);
            return n;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            if (failForce) {
                throw new IOException("Input/output error (fsync)");
            }
            d.force(metaData);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException { return d.read(dst); }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException { return d.read(dsts, offset, length); }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            throw new UnsupportedOperationException("the log never uses gathering writes; one would bypass the fault injection");
        }

        @Override
        public long position() throws IOException { return d.position(); }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            d.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException { return d.size(); }

        @Override
        public FileChannel truncate(long size) throws IOException {
            d.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return d.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            throw new UnsupportedOperationException("the log never uses transferFrom; one would bypass the fault injection");
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException { return d.read(dst, position); }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return d.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return d.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return d.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            d.close();
        }
    }
}
