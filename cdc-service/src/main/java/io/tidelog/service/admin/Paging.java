package io.tidelog.service.admin;

/** Checks and caps the {@code offset}/{@code limit} of paged reads from the log. */
final class Paging {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 500;
    /** About how many bytes one page may read from the log (at least one record is always returned). */
    static final int MAX_BYTES = 4 << 20;

    private Paging() {
    }

    /** {@code limit}, default {@value #DEFAULT_LIMIT}, capped at {@value #MAX_LIMIT}; below 1 is a 400. */
    static int limit(Integer limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        if (limit < 1) {
            throw AdminException.badRequest("limit", "limit must be at least 1");
        }
        return Math.min(limit, MAX_LIMIT);
    }

    /**
     * Where to start reading: {@code offset}, default (and at least) the log start; past the end is a 400.
     */
    static long from(Long offset, long start, long end) {
        if (offset == null) {
            return start;
        }
        if (offset < 0) {
            throw AdminException.badRequest("offset", "offset must not be negative");
        }
        if (offset > end) {
            throw AdminException.badRequest("offset", "offset " + offset + " is past the end offset " + end);
        }
        return Math.max(offset, start);
    }
}
