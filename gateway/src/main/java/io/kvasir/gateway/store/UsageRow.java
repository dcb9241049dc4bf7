package io.kvasir.gateway.store;

import java.time.LocalDate;

/**
 * What a tenant used of one model on one UTC day.
 *
 * @param tenantId the tenant
 * @param model the served model name
 * @param date the UTC day
 * @param requests requests that ended (completed, failed or cancelled) after admission
 * @param promptTokens prompt tokens processed
 * @param completionTokens tokens generated
 */
public record UsageRow(String tenantId, String model, LocalDate date, long requests, long promptTokens,
        long completionTokens) {
}
