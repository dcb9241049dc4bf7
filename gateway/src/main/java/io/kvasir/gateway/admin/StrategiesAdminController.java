package io.kvasir.gateway.admin;

import io.kvasir.gateway.api.ApiException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The report of {@code ./kvasir eval-strategies} (memory, speed and fidelity per KV-cache strategy) under
 * {@code /admin/api/strategies}, read from {@code kvasir.admin.strategies-report} (default
 * {@code target/eval/strategies.json}, where the command writes it when run from the gateway's directory) at each
 * request, so a new run shows without a restart. 404 {@code strategies_report_not_found} when there is none.
 */
@RestController
@RequestMapping("/admin/api/strategies")
public class StrategiesAdminController {

    /** Larger files are refused rather than read into memory. */
    static final long MAX_REPORT_BYTES = 16L << 20;

    private final Path report;
    private final JsonMapper json;

    public StrategiesAdminController(@Value("${kvasir.admin.strategies-report:target/eval/strategies.json}") Path report,
            JsonMapper json) {
        this.report = report;
        this.json = json;
    }

    @GetMapping
    public Mono<JsonNode> report() {
        return AdminRequests.blocking(this::read);
    }

    private JsonNode read() {
        if (!Files.isRegularFile(report)) {
            throw new ApiException(HttpStatus.NOT_FOUND, "invalid_request_error", "strategies_report_not_found", null,
                    "No strategies report at " + report.toAbsolutePath() + "; run ./kvasir eval-strategies, or point "
                            + "kvasir.admin.strategies-report at its strategies.json.");
        }
        try {
            if (Files.size(report) > MAX_REPORT_BYTES) {
                throw unreadable("it is larger than " + (MAX_REPORT_BYTES >> 20) + " MiB");
            }
            return json.readTree(Files.readAllBytes(report));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the strategies report " + report, e);
        } catch (JacksonException e) {
            throw unreadable("it is not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    private ApiException unreadable(String why) {
        return new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, "server_error", "strategies_report_unreadable", null,
                "The strategies report at " + report.toAbsolutePath() + " cannot be served: " + why + ".");
    }
}
