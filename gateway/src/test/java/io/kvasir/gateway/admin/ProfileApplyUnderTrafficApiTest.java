package io.kvasir.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.api.FinishReason;
import io.kvasir.api.GenerationRequest;
import io.kvasir.api.SamplingParams;
import io.kvasir.gateway.engine.GenerationEvent;
import io.kvasir.gateway.engine.ModelEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.BaseSubscriber;

/**
 * RELIABILITY.md item 23 through the admin API: profiles applied over HTTP while requests are in flight. Requests
 * held open across a codec change finish on the old instance, token for token what the old codec gives; requests
 * started after it get the new codec's output; generators running all along, in process and as streaming
 * {@code /v1/completions} requests over HTTP, never fail and every response is one codec's output, never a mix
 * (the test first checks the two codecs' outputs differ). A live change while the old instance drains, and a
 * rollback, keep the same guarantees.
 */
class ProfileApplyUnderTrafficApiTest extends AdminApiTestBase {

    private static final SamplingParams GREEDY = SamplingParams.builder().temperature(0).maxTokens(24).ignoreEos(true).build();
    private static final String[] TEXTS = {"Once upon a time", "The little dog", "Lily and Tom went to the park",
            "One day, a bird"};

    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicInteger numServed = new AtomicInteger();
    private final AtomicInteger numStreamed = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();

    @Test
    void requestsInFlightAcrossAppliesFinishUnderTheProfileTheyStartedWithAndNoneIsLost() throws Exception {
        int[][] prompts = prompts();
        String key = tenantKey();
        List<List<Integer>> f32 = references("ref-f32", "f32", prompts);
        List<String> f32Texts = streamedTexts("ref-f32", key);
        unload("ref-f32");
        List<List<Integer>> int4 = references("ref-int4", "int4-kivi", prompts);
        List<String> int4Texts = streamedTexts("ref-int4", key);
        unload("ref-int4");
        assertThat(f32).as("the codecs must differ on some prompt, or a mix would not show").isNotEqualTo(int4);
        assertThat(f32Texts).as("the same over HTTP").isNotEqualTo(int4Texts);

        load("traffic-1", profile("f32"));
        ModelEngine engine = catalog.find("traffic-1").orElseThrow();
        List<Thread> generators = new ArrayList<>();
        for (int g = 0; g < 2; g++) {
            int generator = g;
            generators.add(Thread.ofPlatform().name("traffic-" + g).start(() -> generate(engine, generator, prompts, f32, int4)));
        }
        generators.add(Thread.ofPlatform().name("traffic-http").start(() -> stream(key, f32Texts, int4Texts)));

        // Requests on the f32 instance, held open across the change to int4.
        List<Held> onF32 = open(engine, "held-f32", prompts);
        put(admin(), "traffic-1", 1, profile("int4-kivi")).expectStatus().isOk().expectBody()
                .jsonPath("$.version").isEqualTo(2).jsonPath("$.outcome").isEqualTo("new_instance");
        admin().get().uri("/admin/api/models/traffic-1").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.instances.length()").isEqualTo(2)
                .jsonPath("$.instances[0].state").isEqualTo("serving")
                .jsonPath("$.instances[1].state").isEqualTo("draining")
                .jsonPath("$.instances[1].runningRequests").value(n -> assertThat((Integer) n).isGreaterThanOrEqualTo(prompts.length));
        for (int p = 0; p < prompts.length; p++) {
            assertThat(run(engine, "after-" + p, prompts[p])).as("started after the change").isEqualTo(int4.get(p));
        }
        // A live change while the old instance still drains: the draining requests are not touched.
        put(admin(), "traffic-1", 2, withPlugin(profile("int4-kivi"), "scheduling", "vtc", Map.of())).expectStatus().isOk()
                .expectBody().jsonPath("$.version").isEqualTo(3).jsonPath("$.outcome").isEqualTo("live");
        assertFinishWith(onF32, f32);
        awaitOneInstance("traffic-1");

        // Requests on the int4 instance, held open across the rollback to version 1 (f32).
        List<Held> onInt8 = open(engine, "held-int4", prompts);
        admin().post().uri("/admin/api/models/traffic-1/profile/rollback").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"version\":1}").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.version").isEqualTo(4).jsonPath("$.outcome").isEqualTo("new_instance");
        for (int p = 0; p < prompts.length; p++) {
            assertThat(run(engine, "rolled-back-" + p, prompts[p])).as("started after the rollback").isEqualTo(f32.get(p));
        }
        assertFinishWith(onInt8, int4);
        awaitOneInstance("traffic-1");

        stop.set(true);
        for (Thread generator : generators) {
            generator.join(TimeUnit.SECONDS.toMillis(120));
        }
        assertThat(failures).isEmpty();
        assertThat(numServed.get()).as("requests the generators completed").isPositive();
        assertThat(numStreamed.get()).as("streams completed over HTTP").isPositive();
        unload("traffic-1");
    }

    private int[][] prompts() {
        ModelEngine stories = catalog.find(STORIES).orElseThrow();
        int[][] prompts = new int[TEXTS.length][];
        for (int p = 0; p < TEXTS.length; p++) {
            prompts[p] = stories.tokenize(TEXTS[p], true);
        }
        return prompts;
    }

    /** Each prompt's greedy tokens under a codec, from a model loaded for the purpose. */
    private List<List<Integer>> references(String name, String codec, int[][] prompts) {
        load(name, profile(codec));
        ModelEngine engine = catalog.find(name).orElseThrow();
        List<List<Integer>> references = new ArrayList<>();
        for (int p = 0; p < prompts.length; p++) {
            references.add(run(engine, name + "-" + p, prompts[p]));
        }
        return references;
    }

    /** A key of a tenant without rate limits, so the generators are never refused. */
    private String tenantKey() {
        return secretOf(createTenant(anonymous(), "{\"name\":\"Apply Under Traffic\",\"limits\":{\"requests_per_minute\":0,"
                + "\"tokens_per_minute\":0,\"max_concurrent\":16,\"max_queued\":64}}"));
    }

    /** Each prompt's text streamed by {@code /v1/completions} from {@code model}. */
    private List<String> streamedTexts(String model, String key) {
        List<String> texts = new ArrayList<>();
        for (String text : TEXTS) {
            texts.add(streamCompletion(model, key, text));
        }
        return texts;
    }

    /** Streams a greedy completion over HTTP and returns its text, every chunk's text joined. */
    private String streamCompletion(String model, String key, String prompt) {
        List<ServerSentEvent<String>> events = anonymous().post().uri("/v1/completions")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + key).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json(Map.of("model", model, "prompt", prompt, "max_tokens", GREEDY.maxTokens(),
                        "temperature", 0, "ignore_eos", true, "stream", true)))
                .exchange().expectStatus().isOk()
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .getResponseBody().collectList().block(TIMEOUT);
        StringBuilder text = new StringBuilder();
        for (ServerSentEvent<String> event : events) {
            if (event.data() != null && !event.data().equals("[DONE]")) {
                Map<?, ?> chunk = JSON.readValue(event.data(), Map.class);
                text.append(((Map<?, ?>) ((List<?>) chunk.get("choices")).getFirst()).get("text"));
            }
        }
        assertThat(events.getLast().data()).isEqualTo("[DONE]");
        return text.toString();
    }

    /** Streams completions of {@code traffic-1} over HTTP back to back until told to stop. */
    private void stream(String key, List<String> f32, List<String> int4) {
        for (int n = 0; !stop.get(); n++) {
            int p = n % TEXTS.length;
            try {
                String text = streamCompletion("traffic-1", key, TEXTS[p]);
                if (!text.equals(f32.get(p)) && !text.equals(int4.get(p))) {
                    failures.add("stream " + n + " gave '" + text + "', neither codec's text");
                }
                numStreamed.incrementAndGet();
            } catch (RuntimeException | AssertionError e) {
                failures.add("stream " + n + " failed: " + e);
            }
        }
    }

    private static List<Integer> run(ModelEngine engine, String id, int[] prompt) {
        return tokens(engine.generate(GenerationRequest.of(id, prompt, GREEDY)).collectList().block(TIMEOUT));
    }

    /** Submits requests back to back until told to stop; each must be one codec's output, complete. */
    private void generate(ModelEngine engine, int generator, int[][] prompts, List<List<Integer>> f32, List<List<Integer>> int4) {
        for (int n = 0; !stop.get(); n++) {
            int p = (generator + n) % prompts.length;
            String id = "gen-" + generator + "-" + n;
            try {
                List<GenerationEvent> events = engine.generate(GenerationRequest.of(id, prompts[p], GREEDY)).collectList()
                        .block(TIMEOUT);
                List<Integer> tokens = tokens(events);
                FinishReason finish = ((GenerationEvent.Finished) events.getLast()).result().finishReason();
                if (finish != FinishReason.LENGTH || (!tokens.equals(f32.get(p)) && !tokens.equals(int4.get(p)))) {
                    failures.add(id + " ended " + finish + " with " + tokens + ", neither codec's output");
                }
                numServed.incrementAndGet();
            } catch (RuntimeException e) {
                failures.add(id + " failed: " + e);
            }
        }
    }

    private static List<Held> open(ModelEngine engine, String prefix, int[][] prompts) throws Exception {
        List<Held> held = new ArrayList<>();
        for (int p = 0; p < prompts.length; p++) {
            Held request = new Held();
            engine.generate(GenerationRequest.of(prefix + "-" + p, prompts[p], GREEDY)).subscribe(request);
            held.add(request);
        }
        for (Held request : held) {
            request.firstToken.get(120, TimeUnit.SECONDS);
        }
        return held;
    }

    private static void assertFinishWith(List<Held> held, List<List<Integer>> expected) throws Exception {
        for (int p = 0; p < held.size(); p++) {
            held.get(p).releaseAll();
            List<GenerationEvent> events = held.get(p).done.get(120, TimeUnit.SECONDS);
            assertThat(((GenerationEvent.Finished) events.getLast()).result().finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(tokens(events)).as("held request %d", p).isEqualTo(expected.get(p));
        }
    }

    /** Waits for the draining instance to finish and close (no timing is asserted: it must happen, not fast). */
    private void awaitOneInstance(String model) throws InterruptedException {
        io.kvasir.engine.testing.Await.until(TIMEOUT, "the old instance drained",
                () -> catalog.deployment(model).orElseThrow().instances().size() <= 1);
        admin().get().uri("/admin/api/models/{name}", model).exchange().expectBody()
                .jsonPath("$.instances.length()").isEqualTo(1);
    }

    private static List<Integer> tokens(List<GenerationEvent> events) {
        return events.stream().filter(GenerationEvent.Token.class::isInstance)
                .map(e -> ((GenerationEvent.Token) e).token().tokenId()).toList();
    }

    /** A request whose subscriber takes one event and then waits, so its stream stays open on its instance. */
    private static final class Held extends BaseSubscriber<GenerationEvent> {
        final CompletableFuture<Void> firstToken = new CompletableFuture<>();
        final CompletableFuture<List<GenerationEvent>> done = new CompletableFuture<>();
        private final List<GenerationEvent> events = new CopyOnWriteArrayList<>();

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            request(1);
        }

        @Override
        protected void hookOnNext(GenerationEvent event) {
            events.add(event);
            firstToken.complete(null);
        }

        @Override
        protected void hookOnComplete() {
            done.complete(events);
        }

        @Override
        protected void hookOnError(Throwable error) {
            firstToken.completeExceptionally(error);
            done.completeExceptionally(error);
        }

        void releaseAll() {
            request(Long.MAX_VALUE);
        }
    }
}
