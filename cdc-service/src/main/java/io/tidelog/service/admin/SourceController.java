package io.tidelog.service.admin;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.tidelog.service.capture.CaptureLifecycle;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The source: the destructive reset (drop the slot and the stored position, snapshot again). */
@RestController
@RequestMapping(path = "/admin/source", produces = MediaType.APPLICATION_JSON_VALUE)
class SourceController {

    private final CaptureLifecycle capture;

    SourceController(CaptureLifecycle capture) {
        this.capture = capture;
    }

    /** The exact confirmation the reset requires. */
    static final String CONFIRMATION = "drop-slot-and-resnapshot";

    /**
     * The body of {@code POST /admin/source/reset}.
     *
     * @param confirm must be {@value SourceController#CONFIRMATION}
     */
    @Schema(description = "Destructive: drops the replication slot and the stored position, then re-runs the aligned snapshot")
    record SourceResetRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = CONFIRMATION) String confirm) {
    }

    @Operation(summary = "DESTRUCTIVE: drop the replication slot and the stored position and re-run the aligned snapshot",
            description = "Answers 202 at once; the reset runs in the background: capture stops, the slot and the "
                    + "stored position are dropped, every table is snapshotted again (rows gone from the source get "
                    + "tombstones) and streaming resumes from a new slot. Status shows the source as 'new' (snapshotting) "
                    + "until it is 'running' again. 409 while a reset is under way.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = SourceResetRequest.class))))
    @PostMapping(path = "/reset", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, String>> reset(@RequestBody(required = false) String body) {
        String confirm = JsonBody.parse(body, Set.of("confirm")).string("confirm");
        if (!CONFIRMATION.equals(confirm)) {
            throw AdminException.badRequest("confirm", "this drops the replication slot and the stored position and "
                    + "re-snapshots every table; send {\"confirm\": \"" + CONFIRMATION + "\"} to do it");
        }
        try {
            if (!capture.resetSourceAsync()) {
                throw AdminException.conflict(capture.resetting() ? "a source reset is already under way"
                        : "capture is not running");
            }
        } catch (CaptureLifecycle.StandbyException e) {
            throw AdminException.conflict(e.getMessage());
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("status", "resetting"));
    }
}
