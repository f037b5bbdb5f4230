/**
 * The Spring Boot edge of Tidelog: configuration binding, bean wiring, lifecycle, health and the
 * demo profile. Everything here adapts plain-Java modules ({@code io.tidelog.capture}, the log, the
 * sinks) and holds no pipeline logic of its own.
 */
package io.tidelog.service;
