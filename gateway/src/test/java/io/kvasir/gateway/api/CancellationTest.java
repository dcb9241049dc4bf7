package io.kvasir.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.api.FinishReason;
import io.kvasir.engine.loop.EngineStats;
import io.kvasir.gateway.testing.GatewayTestBase;
import io.kvasir.gateway.testing.TestModels;
import io.kvasir.gateway.testing.RawHttp;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A client that goes away, mid-prefill or mid-stream, streaming or not, cancels its engine request: the engine
 * stops it within a step of the gateway learning of the disconnect, its KV blocks return to the pool, and the
 * admission permit is released (RELIABILITY.md item 19).
 */
class CancellationTest extends GatewayTestBase {

    @Autowired
    TestModels.ProbedEngine probe;

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void disconnectDuringPrefillCancelsTheRequestBeforeItsFirstToken(boolean stream) throws Exception {
        EngineStats before = probe.stats();
        probe.reset();
        // ~800 prompt tokens prefilled 2 per step: hundreds of steps before the first token; a fresh start each
        // time, so the prefix cache cannot shorten the prefill
        StringBuilder prompt = new StringBuilder(java.util.UUID.randomUUID() + " ");
        while (probe.tokenize(prompt.toString(), true).length < 800) {
            prompt.append("one two three four five six seven eight nine ten ");
        }
        try (RawHttp.Exchange client = send(stream, prompt.toString(), 50)) {
            awaitTrue(() -> probe.stats().numRunning() == 1, "the request runs");
            assertThat(probe.stats().numTokensGenerated()).isEqualTo(before.numTokensGenerated());
            client.abort();
        }
        EngineStats after = awaitCancelled(before);
        assertThat(after.numTokensGenerated()).as("cancelled before its first token").isEqualTo(before.numTokensGenerated());
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void disconnectMidGenerationCancelsTheRequest(boolean stream) throws Exception {
        EngineStats before = probe.stats();
        probe.reset();
        int maxTokens = 900;
        try (RawHttp.Exchange client = send(stream, "Once upon a time", maxTokens)) {
            awaitTrue(() -> probe.stats().numTokensGenerated() - before.numTokensGenerated() >= 5, "tokens are generated");
            if (stream) {
                assertThat(client.readUntil("data: ")).startsWith("HTTP/1.1 200").contains("data: ");
            }
            client.abort();
        }
        EngineStats after = awaitCancelled(before);
        assertThat(after.numTokensGenerated() - before.numTokensGenerated()).isLessThan(maxTokens);
    }

    private RawHttp.Exchange send(boolean stream, String prompt, int maxTokens) throws IOException {
        return RawHttp.post(port, "/v1/completions", DEMO_KEY, "{\"model\":\"probe\",\"prompt\":\"" + prompt
                + "\",\"max_tokens\":" + maxTokens + ",\"ignore_eos\":true,\"stream\":" + stream + "}");
    }

    private EngineStats awaitCancelled(EngineStats before) {
        awaitTrue(() -> probe.stats().finished(FinishReason.CANCELLED) == before.finished(FinishReason.CANCELLED) + 1,
                "the engine cancels the request");
        EngineStats after = probe.stats();
        assertThat(probe.stepsAtCancel()).as("the gateway cancelled the engine request").isNotNegative();
        // The probe notes the step count when the gateway cancels; the cancel then crosses a thread to the engine
        // loop, which drops the request at its next step. With native kernels a tiny step takes well under a
        // millisecond, so a few steps may pass on a loaded machine; a request that kept running would take hundreds.
        assertThat(after.numSteps() - probe.stepsAtCancel()).isLessThanOrEqualTo(20);
        assertThat(after.numRunning() + after.numWaiting()).isZero();
        assertThat(after.numBlocksHeldByRequests()).isZero();
        assertThat(after.numFreeBlocks() + after.numCachedBlocks()).isEqualTo(after.numBlocks());
        awaitAdmissionIdle();
        return after;
    }
}
