package io.tidelog.service.admin;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.tidelog.capture.CaptureSettings;
import io.tidelog.event.TableId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Ad-hoc snapshots of captured tables through Debezium's signalling. */
@RestController
@RequestMapping(path = "/admin/snapshots", produces = MediaType.APPLICATION_JSON_VALUE)
class SnapshotsController {

    static final int MAX_FILTER_CHARS = 4000;

    private final List<TableId> captured;

    SnapshotsController(CaptureSettings capture) {
        this.captured = capture.tables();
    }

    /**
     * The body of {@code POST /admin/snapshots}.
     *
     * @param tables captured tables to snapshot, as {@code schema.table}
     * @param filter optional row filter, a SQL condition passed to Debezium as the snapshot's
     *               {@code additional-conditions} for each table: admin-trusted text, used only for
     *               configured tables
     * @param mode   {@code incremental} (streaming continues, chunks interleave with changes) or
     *               {@code blocking} (streaming pauses while the tables are read)
     */
    @Schema(description = "An ad-hoc snapshot of captured tables")
    record SnapshotRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "[\"public.orders\"]") List<String> tables,
                           @Schema(example = "status = 'paid'") String filter,
                           @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"incremental", "blocking"}) String mode) {

        static SnapshotRequest parse(String body, List<TableId> captured) {
            JsonBody json = JsonBody.parse(body, Set.of("tables", "filter", "mode"));
            List<String> tables = json.strings("tables");
            if (tables == null || tables.isEmpty()) {
                throw AdminException.badRequest("tables", "tables is required: a non-empty array of schema.table");
            }
            Set<String> known = new LinkedHashSet<>();
            captured.forEach(t -> known.add(t.toString()));
            List<String> checked = new ArrayList<>();
            for (int i = 0; i < tables.size(); i++) {
                String field = "tables[" + i + "]";
                String table = Names.require(Names.TABLE, tables.get(i), field, "schema.table of plain identifiers");
                if (!known.contains(table)) {
                    throw AdminException.notFound(field, "table " + table + " is not captured; captured: "
                            + String.join(", ", known));
                }
                if (!checked.contains(table)) {
                    checked.add(table);
                }
            }
            String mode = json.requiredString("mode");
            if (!mode.equals("incremental") && !mode.equals("blocking")) {
                throw AdminException.badRequest("mode", "mode must be incremental or blocking");
            }
            String filter = json.string("filter");
            if (filter != null && (filter.isBlank() || filter.length() > MAX_FILTER_CHARS || filter.indexOf('\0') >= 0)) {
                throw AdminException.badRequest("filter", "filter must be a non-blank SQL condition of at most "
                        + MAX_FILTER_CHARS + " characters");
            }
            return new SnapshotRequest(List.copyOf(checked), filter, mode);
        }
    }

    @Operation(summary = "Start an ad-hoc snapshot (not available yet: 501)",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = SnapshotRequest.class))))
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ApiError> start(@RequestBody(required = false) String body) {
        SnapshotRequest.parse(body, captured);
        throw AdminException.notImplemented("ad-hoc snapshots are not available yet: capture does not run "
                + "Debezium's signalling channel");
    }

    @Operation(summary = "Progress of an ad-hoc snapshot")
    @GetMapping("/{id}")
    ResponseEntity<ApiError> progress(@PathVariable String id) {
        throw unknown(id);
    }

    @Operation(summary = "Cancel an ad-hoc snapshot")
    @PostMapping("/{id}/cancel")
    ResponseEntity<ApiError> cancel(@PathVariable String id, @RequestBody(required = false) String body) {
        AdminException unknown = unknown(id);
        JsonBody.parse(body, Set.of());
        throw unknown;
    }

    private static AdminException unknown(String id) {
        String checked = Names.require(Names.SNAPSHOT_ID, id, "id", "a snapshot id (a lower-case UUID)");
        return AdminException.notFound("id", "no snapshot " + checked);
    }
}
