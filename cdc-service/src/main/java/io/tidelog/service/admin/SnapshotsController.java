package io.tidelog.service.admin;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.tidelog.capture.AdHocSnapshotException;
import io.tidelog.capture.AdHocSnapshots;
import io.tidelog.capture.CaptureSettings;
import io.tidelog.service.capture.CaptureLifecycle;
import io.tidelog.service.status.StatusReport.AdHocSnapshot;
import java.net.URI;
import io.tidelog.event.TableId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Ad-hoc snapshots of captured tables through Debezium's signalling ({@link AdHocSnapshots}): start
 * one, follow its progress, cancel it. One runs at a time.
 */
@RestController
@RequestMapping(path = "/admin/snapshots", produces = MediaType.APPLICATION_JSON_VALUE)
class SnapshotsController {

    static final int MAX_FILTER_CHARS = 4000;

    private final List<TableId> captured;
    private final CaptureLifecycle capture;

    SnapshotsController(CaptureSettings settings, CaptureLifecycle capture) {
        this.captured = settings.tables();
        this.capture = capture;
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

        AdHocSnapshots.Mode snapshotMode() {
            return AdHocSnapshots.Mode.valueOf(mode.toUpperCase(Locale.ROOT));
        }

        List<TableId> tableIds() {
            return tables.stream().map(TableId::parse).toList();
        }

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

    @Operation(summary = "Start an ad-hoc snapshot",
            description = "Answers 202 with the snapshot's id and a Location to follow it. incremental: streaming goes on "
                    + "and chunks interleave with changes; blocking: streaming pauses while the tables are read. "
                    + "409 while another ad-hoc snapshot runs or while capture is not streaming.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = SnapshotRequest.class))))
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<AdHocSnapshot> start(@RequestBody(required = false) String body) {
        SnapshotRequest request = SnapshotRequest.parse(body, captured);
        AdHocSnapshots.Progress p = refusedAsConflict(() ->
                snapshots().start(request.tableIds(), request.filter(), request.snapshotMode()));
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create("/admin/snapshots/" + p.id()))
                .body(AdHocSnapshot.of(p));
    }

    @Operation(summary = "Ad-hoc snapshots of this capture run, oldest first")
    @GetMapping
    List<AdHocSnapshot> list() {
        return snapshots().all().stream().map(AdHocSnapshot::of).toList();
    }

    @Operation(summary = "Progress of an ad-hoc snapshot")
    @GetMapping("/{id}")
    AdHocSnapshot progress(@PathVariable String id) {
        String checked = checkedId(id);
        return snapshots().get(checked).map(AdHocSnapshot::of)
                .orElseThrow(() -> AdminException.notFound("id", "no snapshot " + checked));
    }

    @Operation(summary = "Cancel a running incremental snapshot",
            description = "Debezium stops after the chunk it is reading; the state goes cancelling, then cancelled. "
                    + "409 when the snapshot has ended or is blocking (blocking snapshots run to their end).")
    @PostMapping("/{id}/cancel")
    ResponseEntity<AdHocSnapshot> cancel(@PathVariable String id, @RequestBody(required = false) String body) {
        String checked = checkedId(id);
        JsonBody.parse(body, Set.of());
        AdHocSnapshots.Progress p = refusedAsConflict(() -> snapshots().cancel(checked));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(AdHocSnapshot.of(p));
    }

    private AdHocSnapshots snapshots() {
        return capture.pipeline().adHocSnapshots();
    }

    private static AdHocSnapshots.Progress refusedAsConflict(Supplier<AdHocSnapshots.Progress> action) {
        try {
            return action.get();
        } catch (AdHocSnapshotException e) {
            throw e.reason() == AdHocSnapshotException.Reason.UNKNOWN
                    ? AdminException.notFound("id", e.getMessage())
                    : AdminException.conflict(e.getMessage());
        }
    }

    private static String checkedId(String id) {
        return Names.require(Names.SNAPSHOT_ID, id, "id", "a snapshot id (a lower-case UUID)");
    }
}
