package io.tidelog.log.embedded;

import java.nio.ByteBuffer;

/** Key → latest offset for the cleaner, in fixed memory (Kafka's {@code OffsetMap}). */
interface OffsetMap {

    /** Records {@code offset} for the key bytes {@code [keyAt, keyAt + keyLength)} of a heap buffer. */
    void put(ByteBuffer buf, int keyAt, int keyLength, long offset);

    /** The offset last put for the key, or -1. */
    long get(ByteBuffer buf, int keyAt, int keyLength);

    void clear();

    int size();

    /** True when another put might not fit: the cleaner stops filling and cleans in another pass. */
    boolean isFull();
}
