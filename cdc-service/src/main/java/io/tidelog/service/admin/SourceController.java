package io.tidelog.service.admin;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Set;
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

    @Operation(summary = "DESTRUCTIVE: drop the slot and stored position and re-run the aligned snapshot (not available yet: 501)",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = SourceResetRequest.class))))
    @PostMapping(path = "/reset", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ApiError> reset(@RequestBody(required = false) String body) {
        String confirm = JsonBody.parse(body, Set.of("confirm")).string("confirm");
        if (!CONFIRMATION.equals(confirm)) {
            throw AdminException.badRequest("confirm", "this drops the replication slot and the stored position and "
                    + "re-snapshots every table; send {\"confirm\": \"" + CONFIRMATION + "\"} to do it");
        }
        throw AdminException.notImplemented("source reset is not available yet: capture cannot be restarted in "
                + "place. Stop Tidelog, drop the slot (SELECT pg_drop_replication_slot('<slot>')) and start it "
                + "again: a missing slot makes it take the aligned snapshot again");
    }
}
