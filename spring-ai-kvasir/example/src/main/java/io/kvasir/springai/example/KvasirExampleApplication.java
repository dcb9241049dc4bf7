package io.kvasir.springai.example;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A console chat on Kvasir through Spring AI's fluent {@code ChatClient} with chat memory.
 *
 * <p>Embedded (the default profile): {@code KVASIR_MODEL=/path/to/model.gguf}; remote (profile
 * {@code remote}): {@code KVASIR_GATEWAY_URL}, {@code KVASIR_API_KEY} and {@code KVASIR_MODEL_NAME}. See
 * docs/spring-ai.md.
 */
@SpringBootApplication
public class KvasirExampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(KvasirExampleApplication.class, args);
    }
}
