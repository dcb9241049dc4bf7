package io.kvasir.gateway.metrics;

import io.kvasir.gateway.api.ApiErrors;
import io.kvasir.gateway.api.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * The gateway's request metrics, tagged with {@code model} and {@code tenant}: requests by outcome, time to
 * first token and inter-token latency (histograms, for percentiles in Prometheus), and prompt, cached and
 * generated tokens. Engine-side gauges (queues, KV blocks, prefix cache) are in {@link EngineMetrics}.
 *
 * <p>Tag values come from served model names and tenant ids only, never from request text, so the number of
 * series stays bounded; a request refused before its model is known is tagged {@code model="none"}.
 */
@Component
public class GatewayMetrics {

    /** Requests, by {@code outcome}. */
    public static final String REQUESTS = "kvasir.requests";
    /** From the request's arrival to its first generated token. */
    public static final String TIME_TO_FIRST_TOKEN = "kvasir.request.time.to.first.token";
    /** Between consecutive tokens of one choice. */
    public static final String INTER_TOKEN_LATENCY = "kvasir.request.inter.token.latency";
    /** Prompt tokens served. */
    public static final String PROMPT_TOKENS = "kvasir.tokens.prompt";
    /** Prompt tokens whose KV came from the prefix cache. */
    public static final String CACHED_TOKENS = "kvasir.tokens.cached";
    /** Generated tokens. */
    public static final String GENERATED_TOKENS = "kvasir.tokens.generated";
    /** The model tag of a request refused before its model was known. */
    public static final String NO_MODEL = "none";

    private final MeterRegistry registry;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts one request that ended with {@code outcome}. */
    public void countRequest(String model, String tenant, Outcome outcome) {
        Counter.builder(REQUESTS).description("API requests by how they ended")
                .tag("model", model).tag("tenant", tenant).tag("outcome", outcome.tag())
                .register(registry).increment();
    }

    /** Counts a request refused before its generation was planned (bad body, unknown model, too long). */
    public void countRefused(String tenant, Throwable failure) {
        countRequest(NO_MODEL, tenant, Outcome.of(failure));
    }

    /** Records a time to first token. */
    public void recordTimeToFirstToken(String model, String tenant, long nanos) {
        latencyTimer(TIME_TO_FIRST_TOKEN, "Time from a request's arrival to its first token", model, tenant)
                .record(Duration.ofNanos(nanos));
    }

    /** Records the gap between two tokens of one choice. */
    public void recordInterTokenLatency(String model, String tenant, long nanos) {
        latencyTimer(INTER_TOKEN_LATENCY, "Time between consecutive tokens of one choice", model, tenant)
                .record(Duration.ofNanos(nanos));
    }

    /** Counts the tokens of one finished choice. */
    public void countTokens(String model, String tenant, int prompt, int cached, int generated) {
        tokens(PROMPT_TOKENS, "Prompt tokens served", model, tenant).increment(prompt);
        tokens(CACHED_TOKENS, "Prompt tokens served from the prefix cache", model, tenant).increment(cached);
        tokens(GENERATED_TOKENS, "Tokens generated", model, tenant).increment(generated);
    }

    private Timer latencyTimer(String name, String description, String model, String tenant) {
        return Timer.builder(name).description(description).tag("model", model).tag("tenant", tenant)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(2)).register(registry);
    }

    private Counter tokens(String name, String description, String model, String tenant) {
        return Counter.builder(name).description(description).tag("model", model)
                .tag("tenant", tenant).register(registry);
    }

    /** How a request ended. */
    public enum Outcome {
        /** Every choice finished ({@code stop} or {@code length}). */
        COMPLETED,
        /** The client went away; its engine requests were cancelled. */
        CANCELLED,
        /** Refused as invalid (4xx other than 429). */
        INVALID,
        /** Refused by admission or a full engine queue (429). */
        REJECTED,
        /** Ended by the server shutting down (503 or a final error event). */
        SHUTDOWN,
        /** The engine or the gateway failed. */
        FAILED;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The outcome a failure stands for, judged by the error the client sees. */
        public static Outcome of(Throwable failure) {
            ApiException error = ApiErrors.from(failure);
            if (error.status() == HttpStatus.TOO_MANY_REQUESTS) {
                return REJECTED;
            }
            if ("server_shutting_down".equals(error.code())) {
                return SHUTDOWN;
            }
            return error.status().is4xxClientError() ? INVALID : FAILED;
        }
    }
}
