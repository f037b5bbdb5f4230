package io.tidelog.snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * A range of heap pages of one table, read with a TID range scan ({@code ctid >= '(from,0)' AND
 * ctid < '(to,0)'}). The last chunk of a table is open-ended so that rows on pages beyond the
 * size read at planning time are not missed.
 *
 * @param table the table
 * @param fromPage first page, inclusive
 * @param toPage last page, exclusive, or -1 for "to the end"
 */
record Chunk(TableSchema table, long fromPage, long toPage) {

    /** The row filter of this chunk. */
    String where() {
        String from = "ctid >= '(" + fromPage + ",0)'::tid";
        return toPage < 0 ? from : from + " AND ctid < '(" + toPage + ",0)'::tid";
    }

    /**
     * Splits a table into chunks of about {@code rowsPerChunk} rows, by its page count and row estimate.
     */
    static List<Chunk> plan(TableSchema table, long rowsPerChunk) {
        List<Chunk> chunks = new ArrayList<>();
        long pages = table.pages();
        if (pages <= 1 || table.estimatedRows() <= rowsPerChunk) {
            chunks.add(new Chunk(table, 0, -1));
            return chunks;
        }
        double rowsPerPage = Math.max(1.0, (double) table.estimatedRows() / pages);
        long pagesPerChunk = Math.max(1, (long) (rowsPerChunk / rowsPerPage));
        for (long from = 0; from < pages; from += pagesPerChunk) {
            long to = from + pagesPerChunk;
            chunks.add(new Chunk(table, from, to >= pages ? -1 : to));
        }
        return chunks;
    }
}
