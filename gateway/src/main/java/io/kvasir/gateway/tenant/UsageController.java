package io.kvasir.gateway.tenant;

import io.kvasir.gateway.api.ApiException;
import io.kvasir.gateway.security.AuthenticatedKey;
import io.kvasir.gateway.store.UsageRow;
import java.time.LocalDate;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * {@code GET /v1/usage}: the calling tenant's own requests and tokens per model and UTC day (RELIABILITY.md
 * item 15). The tenant is the API key's; naming any other tenant in {@code tenant_id} is 403, whether or not that
 * tenant exists, so the answer reveals nothing about other tenants.
 */
@RestController
public class UsageController {

    private static final int MAX_DAYS = 366;

    private final UsageLedger ledger;

    public UsageController(UsageLedger ledger) {
        this.ledger = ledger;
    }

    /**
     * @param days how many UTC days back, today included (1 to 366, default 30)
     * @param tenantId optional; must be the caller's own tenant
     */
    @GetMapping("/v1/usage")
    public Mono<Usage> usage(@RequestParam(defaultValue = "30") int days,
            @RequestParam(name = "tenant_id", required = false) @Nullable String tenantId, ServerWebExchange exchange) {
        AuthenticatedKey caller = exchange.getAttribute(AuthenticatedKey.ATTRIBUTE);
        if (caller == null) {
            throw new IllegalStateException("usage request without an authenticated key");
        }
        String own = caller.tenant().id();
        if (tenantId != null && !tenantId.equals(own)) {
            return Mono.error(new ApiException(HttpStatus.FORBIDDEN, "permission_denied", "tenant_mismatch",
                    "tenant_id", "An API key can read only its own tenant's usage."));
        }
        if (days < 1 || days > MAX_DAYS) {
            return Mono.error(ApiException.invalidRequest("days", "'days' must be between 1 and " + MAX_DAYS + "."));
        }
        LocalDate to = ledger.today();
        LocalDate from = to.minusDays(days - 1L);
        return ledger.usage(own, from).collectList().map(rows -> Usage.of(own, from, to, rows));
    }

    /** The response: one entry per model and day, and the totals. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Usage(String object, String tenantId, LocalDate startDate, LocalDate endDate, List<Entry> data,
            Totals total) {

        static Usage of(String tenantId, LocalDate from, LocalDate to, List<UsageRow> rows) {
            List<Entry> data = rows.stream().map(r -> new Entry(r.date(), r.model(), r.requests(), r.promptTokens(),
                    r.completionTokens(), r.promptTokens() + r.completionTokens())).toList();
            long requests = rows.stream().mapToLong(UsageRow::requests).sum();
            long prompt = rows.stream().mapToLong(UsageRow::promptTokens).sum();
            long completion = rows.stream().mapToLong(UsageRow::completionTokens).sum();
            return new Usage("usage", tenantId, from, to, data, new Totals(requests, prompt, completion, prompt + completion));
        }
    }

    /** One model on one day. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Entry(LocalDate date, String model, long requests, long promptTokens, long completionTokens,
            long totalTokens) {
    }

    /** Sums over the period. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Totals(long requests, long promptTokens, long completionTokens, long totalTokens) {
    }
}
