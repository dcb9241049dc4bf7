package io.kvasir.gateway.admission;

import io.kvasir.gateway.api.ApiException;
import java.time.Duration;
import org.springframework.http.HttpStatus;

/** A request refused by admission: 429 with a {@code Retry-After} header of {@link #retryAfter()}. */
public class AdmissionRejectedException extends ApiException {

    private final String reason;

    /**
     * @param reason a metrics label: {@code rate_limit}, {@code token_limit}, {@code concurrency}, {@code queue_full}
     */
    public AdmissionRejectedException(String reason, Duration retryAfter, String message) {
        super(HttpStatus.TOO_MANY_REQUESTS, "rate_limit_exceeded", reason, null, message, retryAfter);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
