package io.tidelog.service.admin;

import io.swagger.v3.oas.annotations.Operation;
import io.tidelog.service.status.StatusReport;
import io.tidelog.service.status.StatusService;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /admin/status}: the whole pipeline at a glance. */
@RestController
@RequestMapping(path = "/admin", produces = MediaType.APPLICATION_JSON_VALUE)
class StatusController {

    private final StatusService status;

    StatusController(StatusService status) {
        this.status = status;
    }

    @Operation(summary = "Source, log, sinks and snapshots now")
    @GetMapping("/status")
    StatusReport status() {
        return status.report();
    }
}
