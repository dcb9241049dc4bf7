package io.kvasir.gateway.admission;

import static io.kvasir.gateway.testing.ApiAssertions.assertApiError;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.gateway.engine.GenerationEvent;
import io.kvasir.gateway.testing.GatewayTestBase;
import io.kvasir.gateway.testing.Http;
import io.kvasir.gateway.testing.RawHttp;
import io.kvasir.gateway.testing.TestModels;
import io.kvasir.gateway.testing.TestModels.ScriptedEngine;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import reactor.core.publisher.Flux;

/**
 * Admission on the request path, end to end through {@code /v1/chat/completions} with real keys: a tenant at its
 * concurrency limit gets 429 with {@code Retry-After} while another tenant is served (RELIABILITY.md item 18),
 * and permits, tenant lines and model queues return to their baseline when clients go away, whether their
 * request was running or still waiting for a slot.
 */
class AdmissionEndToEndTest extends GatewayTestBase {

    private static final String CHAT = "/v1/chat/completions";

    @Autowired
    TestModels.ScriptedEngine scripted;

    /** Streams that stay open, after one token, until the client goes away; counts the engine cancellations. */
    private AtomicInteger holdStreams() {
        AtomicInteger cancelled = new AtomicInteger();
        scripted.script(request -> Flux.just(new GenerationEvent.Queued(request.requestId()),
                        ScriptedEngine.token(1, "held"))
                .concatWith(Flux.never())
                .doOnCancel(cancelled::incrementAndGet));
        return cancelled;
    }

    private static String chat(String model, boolean stream, int maxTokens) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}]}";
    }

    @Test
    void aSecondStreamOverATenantsConcurrencyLimitGets429WithRetryAfterWhileAnotherTenantIsServed() throws Exception {
        String solo = createTenantKey("{\"id\":\"solo\",\"name\":\"Solo\",\"limits\":{\"max_concurrent\":1,"
                + "\"max_queued\":0}}");
        AtomicInteger cancelled = holdStreams();
        try (RawHttp.Exchange first = RawHttp.post(port, CHAT, solo, chat("scripted", true, 50))) {
            assertThat(first.readUntil("held")).startsWith("HTTP/1.1 200").contains("data: ");
            assertThat(admissionGauge("kvasir.admission.in_flight", "tenant", "solo")).isEqualTo(1);

            Http.Response second = http().withKey(solo).post(CHAT, chat(STORIES, true, 5));
            assertApiError(second, 429, null, "concurrency");
            assertThat(second.headers().firstValue("retry-after"))
                    .hasValueSatisfying(seconds -> assertThat(Long.parseLong(seconds)).isPositive());
            assertThat(second.body()).doesNotContain("data:");

            Http.Response other = http().post(CHAT, chat(STORIES, true, 5));
            assertThat(other.status()).as(other.body()).isEqualTo(200);
            assertThat(other.dataEvents()).last().isEqualTo("[DONE]");
            assertThat(admissionGauge("kvasir.admission.in_flight", "tenant", "solo")).isEqualTo(1);
            first.abort();
        }
        awaitTrue(() -> cancelled.get() == 1, "the held stream's engine request is cancelled");
        awaitAdmissionIdle();

        assertThat(http().withKey(solo).post(CHAT, chat(STORIES, false, 3)).status())
                .as("the tenant's slot is free again").isEqualTo(200);
        assertThat(http().get("/actuator/prometheus").body())
                .containsPattern("kvasir_admission_rejected_total\\{[^}]*reason=\"concurrency\",tenant=\"solo\"} 1.0");
    }

    @Test
    void clientsThatGoAwayWhileRunningOrWaitingForASlotGiveEverythingBack() throws Exception {
        String key = createTenantKey("{\"id\":\"queued\",\"name\":\"Queued\",\"limits\":{\"max_concurrent\":1,"
                + "\"max_queued\":1}}");
        AtomicInteger cancelled = holdStreams();
        for (boolean stream : new boolean[] {true, false}) {
            try (RawHttp.Exchange running = RawHttp.post(port, CHAT, key, chat("scripted", true, 50))) {
                running.readUntil("held");
                try (RawHttp.Exchange waiting = RawHttp.post(port, CHAT, key, chat("scripted", stream, 50))) {
                    awaitTrue(() -> admissionGauge("kvasir.admission.waiting", "tenant", "queued") == 1,
                            "the second request waits for the tenant's slot");
                    assertThat(admissionGauge("kvasir.admission.queued", "model", "scripted")).isEqualTo(2);
                    waiting.abort();
                }
                awaitTrue(() -> admissionGauge("kvasir.admission.waiting", "tenant", "queued") == 0,
                        "the abandoned request leaves the tenant's line");
                assertThat(admissionGauge("kvasir.admission.queued", "model", "scripted")).isEqualTo(1);
                assertThat(admissionGauge("kvasir.admission.in_flight", "tenant", "queued")).isEqualTo(1);
                running.abort();
            }
            awaitAdmissionIdle();
        }
        assertThat(cancelled.get()).as("only the running requests reached the engine").isEqualTo(2);
    }
}
