package io.kvasir.ops.loadgen;

import org.jspecify.annotations.Nullable;

import picocli.CommandLine.Option;

/** The API key of a run with a single tenant. */
final class ApiKeyOptions {

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:KVASIR_API_KEY}",
            description = "API key sent as Authorization: Bearer KEY (default: $KVASIR_API_KEY; none when unset).")
    @Nullable String apiKey;

    /** The key, or empty for none. */
    String key() {
        return apiKey == null ? "" : apiKey.strip();
    }
}
