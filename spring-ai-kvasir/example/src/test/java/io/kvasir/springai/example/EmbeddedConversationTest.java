package io.kvasir.springai.example;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.kvasir.engine.testing.SharedFiles;

/**
 * The example application with an embedded engine serving stories260K (a 128-token context, so no system
 * prompt and short replies).
 */
@SpringBootTest(properties = {"kvasir.example.console=false", "spring.ai.kvasir.mode=embedded",
        "spring.ai.kvasir.embedded.threads=1", "spring.ai.kvasir.embedded.kv-cache-size=16MB",
        "spring.ai.kvasir.chat.temperature=0", "spring.ai.kvasir.chat.max-tokens=8"})
class EmbeddedConversationTest extends AbstractConversationTest {

    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        String model = SharedFiles.require("models/stories260K.gguf").toString();
        registry.add("spring.ai.kvasir.embedded.model", () -> model);
    }
}
