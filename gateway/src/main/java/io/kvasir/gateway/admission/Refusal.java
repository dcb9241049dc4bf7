package io.kvasir.gateway.admission;

import java.time.Duration;

/**
 * Why admission refused a request, before it is turned into an {@link AdmissionRejectedException}.
 *
 * @param reason the metrics label: {@code rate_limit}, {@code token_limit}, {@code concurrency}, {@code queue_full}
 * @param retryAfter how long the client should wait
 * @param message what the client is told
 */
record Refusal(String reason, Duration retryAfter, String message) {

    static final String RATE_LIMIT = "rate_limit";
    static final String TOKEN_LIMIT = "token_limit";
    static final String CONCURRENCY = "concurrency";
    static final String QUEUE_FULL = "queue_full";

    AdmissionRejectedException toException() {
        return new AdmissionRejectedException(reason, retryAfter, message);
    }
}
