package io.kvasir.ops.loadgen;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import picocli.CommandLine.Option;

/** Where the load goes: the gateway, the model, the endpoint and request settings every subcommand shares. */
final class TargetOptions {

    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://localhost:8080",
            description = "The gateway's base URL (default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--model", paramLabel = "NAME",
            description = "The model field of every request (default: the first model GET /v1/models lists).")
    @Nullable String model;

    @Option(names = "--endpoint", paramLabel = "chat|completions", defaultValue = "chat",
            description = "POST /v1/chat/completions (chat) or /v1/completions (default: ${DEFAULT-VALUE}).")
    String endpoint;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0",
            description = "Sampling temperature sent with every request (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--request-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "A request that has not ended after this long is abandoned and counted as timeout (default: ${DEFAULT-VALUE}).")
    int requestTimeoutSeconds;

    OpenAiHttpTarget.Endpoint endpoint() {
        return switch (endpoint.strip().toLowerCase(Locale.ROOT)) {
            case "chat" -> OpenAiHttpTarget.Endpoint.CHAT;
            case "completions" -> OpenAiHttpTarget.Endpoint.COMPLETIONS;
            default -> throw new IllegalArgumentException("--endpoint must be chat or completions, got '" + endpoint + "'");
        };
    }

    /** The model to name in requests: {@code --model}, or the gateway's first, asked with {@code apiKey}. */
    String resolveModel(String apiKey) {
        return model != null && !model.isBlank() ? model : OpenAiHttpTarget.firstModel(url, apiKey);
    }

    Duration requestTimeout() {
        if (requestTimeoutSeconds < 1) {
            throw new IllegalArgumentException("--request-timeout must be at least 1 second, got " + requestTimeoutSeconds);
        }
        return Duration.ofSeconds(requestTimeoutSeconds);
    }

    /** An HTTP target for {@code model}, with at least {@code minTimeout} per request. */
    OpenAiHttpTarget open(String modelName, Duration minTimeout) {
        if (!url.isAbsolute() || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
            throw new IllegalArgumentException("--url must be an http:// or https:// URL, got '" + url + "'");
        }
        if (!Double.isFinite(temperature) || temperature < 0) {
            throw new IllegalArgumentException("--temperature must be a finite number >= 0, got " + temperature);
        }
        Duration timeout = requestTimeout().compareTo(minTimeout) >= 0 ? requestTimeout() : minTimeout;
        return new OpenAiHttpTarget(url, modelName, endpoint(), temperature, timeout);
    }
}
