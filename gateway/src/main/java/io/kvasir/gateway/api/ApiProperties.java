package io.kvasir.gateway.api;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Limits and behaviour of the OpenAI-compatible API ({@code kvasir.api.*}).
 *
 * @param maxChoices the most engine requests one HTTP request may fan out to ({@code n} times the number of
 *        prompts); more is a 400 before any work starts (default 16)
 * @param heartbeatInterval a streaming response that has sent nothing for this long gets a {@code : keep-alive}
 *        comment, so proxies do not cut a quiet stream (default 15s)
 * @param completionDefaultMaxTokens {@code max_tokens} of {@code /v1/completions} when the request gives none,
 *        as OpenAI's legacy endpoint does (default 16); chat completions default to the rest of the context
 */
@ConfigurationProperties("kvasir.api")
public record ApiProperties(int maxChoices, Duration heartbeatInterval, int completionDefaultMaxTokens) {

    public ApiProperties {
        maxChoices = maxChoices == 0 ? 16 : maxChoices;
        heartbeatInterval = heartbeatInterval == null ? Duration.ofSeconds(15) : heartbeatInterval;
        completionDefaultMaxTokens = completionDefaultMaxTokens == 0 ? 16 : completionDefaultMaxTokens;
        if (maxChoices < 1) {
            throw new IllegalArgumentException("kvasir.api.max-choices must be at least 1, got " + maxChoices);
        }
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("kvasir.api.heartbeat-interval must be positive, got " + heartbeatInterval);
        }
    }

    /** The defaults, for tests and tools. */
    public static ApiProperties defaults() {
        return new ApiProperties(0, null, 0);
    }
}
