package io.tidelog.sink.opensearch;

import io.tidelog.sink.Rejection;
import io.tidelog.sink.SinkRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Maps the items of a {@code _bulk} response back to the records of its request (item n answers record n)
 * and sorts them into {@link ItemResult}s. Stateless.
 */
final class BulkResponseReader {

    /** The fields of a response the reader needs: the request asks for nothing else ({@code filter_path}). */
    static final String FILTER_PATH = "errors,items.*.status,items.*.error";

    /** What became of one item. */
    enum ItemResult {
        /** Written. */
        APPLIED,
        /** Not written because the document already has a higher version: the version guard at work. */
        SUPERSEDED,
        /** A delete of a document that is not there: the row is absent, as the delete wants. */
        ABSENT,
        /** The cluster is overloaded or failing (429, 5xx): the batch may succeed later. */
        RETRY,
        /** The record itself is wrong for the index (any other 4xx): retrying cannot help. */
        REJECTED;

        static ItemResult of(boolean delete, int status) {
            if (status >= 200 && status < 300) {
                return APPLIED;
            }
            if (status == 409) {
                return SUPERSEDED;
            }
            if (status == 404 && delete) {
                return ABSENT;
            }
            if (status == 429 || status >= 500) {
                return RETRY;
            }
            return REJECTED;
        }
    }

    /**
     * The outcome of one bulk request.
     *
     * @param rejected        the records refused for good, with OpenSearch's reason
     * @param retriable       how many items failed in a way a retry may fix
     * @param firstRetriable  the reason of the first of those, or null
     */
    record Outcome(List<Rejection> rejected, int retriable, String firstRetriable) {
    }

    private BulkResponseReader() {
    }

    /**
     * Reads a response to a request of {@code records}.
     *
     * @throws IllegalStateException if the response does not hold one item per record
     */
    static Outcome read(JsonNode response, List<SinkRecord> records) {
        if (!response.path("errors").asBoolean(true)) {
            return new Outcome(List.of(), 0, null);
        }
        JsonNode items = response.path("items");
        if (items.size() != records.size()) {
            throw new IllegalStateException("bulk response has " + items.size() + " items for " + records.size()
                    + " actions");
        }
        List<Rejection> rejected = new ArrayList<>();
        int retriable = 0;
        String firstRetriable = null;
        for (int i = 0; i < records.size(); i++) {
            SinkRecord record = records.get(i);
            Map.Entry<String, JsonNode> item = items.get(i).properties().iterator().next();
            int status = item.getValue().path("status").asInt(0);
            switch (ItemResult.of(item.getKey().equals("delete"), status)) {
                case APPLIED, SUPERSEDED, ABSENT -> {
                }
                case RETRY -> {
                    if (retriable++ == 0) {
                        firstRetriable = status + " " + reason(item.getValue().path("error"));
                    }
                }
                case REJECTED -> rejected.add(new Rejection(record, reason(item.getValue().path("error"))));
            }
        }
        return new Outcome(rejected, retriable, firstRetriable);
    }

    /**
     * {@code type: reason}, then {@code (caused by type: reason)} for each cause, e.g.
     * {@code mapper_parsing_exception: failed to parse field [price] of type [integer] ... (caused by
     * number_format_exception: For input string: "not a number")}.
     */
    static String reason(JsonNode error) {
        if (error.isMissingNode() || error.isNull()) {
            return "no error given";
        }
        if (error.isString()) {
            return error.asString();
        }
        StringBuilder out = new StringBuilder(error.path("type").asString("error")).append(": ")
                .append(error.path("reason").asString(""));
        for (JsonNode cause = error.path("caused_by"); cause.isObject(); cause = cause.path("caused_by")) {
            out.append(" (caused by ").append(cause.path("type").asString("error")).append(": ")
                    .append(cause.path("reason").asString("")).append(')');
        }
        return out.toString();
    }
}
