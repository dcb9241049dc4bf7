package io.kvasir.springai.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Which Kvasir serves the application's chat model ({@code spring.ai.kvasir.mode}). */
@ConfigurationProperties(KvasirProperties.CONFIG_PREFIX)
public class KvasirProperties {

    public static final String CONFIG_PREFIX = "spring.ai.kvasir";

    /** Where requests are served. */
    public enum Mode {
        /** An engine in this process, over a model file ({@code spring.ai.kvasir.embedded.*}). */
        EMBEDDED,
        /** A Kvasir gateway over HTTP ({@code spring.ai.kvasir.remote.*}). */
        REMOTE
    }

    /**
     * Where requests are served: "embedded" (an in-process engine) or "remote" (a Kvasir gateway). No
     * Kvasir chat model is created while it is unset.
     */
    private @Nullable Mode mode;

    public @Nullable Mode getMode() {
        return mode;
    }

    public void setMode(@Nullable Mode mode) {
        this.mode = mode;
    }
}
