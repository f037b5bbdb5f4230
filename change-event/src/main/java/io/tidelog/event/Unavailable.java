package io.tidelog.event;

/**
 * Marks a column value the source did not send: an unchanged TOASTed column of an update on a
 * table without {@code REPLICA IDENTITY FULL}. Never confuse it with SQL NULL: a sink must keep
 * the value it already has for that column.
 */
public enum Unavailable {
    /** The single marker. */
    VALUE
}
