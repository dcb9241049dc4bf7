package io.kvasir.springai.example;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example application in remote mode, against a real gateway ({@link GatewayForTests}) serving stories260K:
 * the same conversations as embedded, through HTTP, with the gateway's prefix cache behind the cached prompt tokens
 * ({@code usage.prompt_tokens_details.cached_tokens}).
 */
@SpringBootTest(properties = {"kvasir.example.console=false", "spring.ai.kvasir.mode=remote",
        "spring.ai.kvasir.chat.model=" + GatewayForTests.STORIES,
        "spring.ai.kvasir.chat.temperature=0", "spring.ai.kvasir.chat.max-tokens=8"})
class RemoteConversationTest extends AbstractConversationTest {

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) {
        registry.add("spring.ai.kvasir.remote.base-url", () -> GatewayForTests.shared().baseUrl());
        registry.add("spring.ai.kvasir.remote.api-key", () -> GatewayForTests.DEMO_KEY);
    }
}
