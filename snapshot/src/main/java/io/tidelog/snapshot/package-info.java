/**
 * The initial snapshot aligned with the replication slot's consistent point (issue: capture into
 * the log with an aligned snapshot). Empty until then: the module exists so the build and the
 * folder tree show where it goes in the data path ({@code capture/snapshot → log → sinks}).
 */
package io.tidelog.snapshot;
