package io.kvasir.gateway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.api.FinishReason;
import io.kvasir.api.GenerationRequest;
import io.kvasir.engine.gguf.ModelPathPolicy;
import io.kvasir.engine.plugin.PluginRegistry;
import io.kvasir.engine.testing.SharedFiles;
import io.kvasir.gateway.engine.ModelDeployment.ApplyResult;
import io.kvasir.gateway.engine.ModelDeploymentTest.Generation;
import io.kvasir.gateway.profile.ProfileDiff;
import io.kvasir.gateway.profile.ProfileValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/**
 * The test (RELIABILITY.md item 23): a model's KV codec switches between f32 and int4-kivi ten times while
 * generators keep submitting greedy requests through the {@link ModelEngine} interface. No request fails; each
 * response equals the reference engine's output for its prompt and codec; afterwards one instance is left and
 * the KV memory is one instance's worth.
 *
 * <p>What can be asserted exactly: a request is known to run on the f32 (or int4) instance when no switch
 * happened between reading the switch counter before submitting and after the deployment picked the instance
 * (the counter is odd while an apply runs). Such a request must equal the reference of that codec, token for
 * token. A request that overlapped a switch must equal one of the two references (it ran wholly on one
 * instance; a mix of the two would match neither where they differ, and the test checks they differ). Each
 * switch also holds one request open across it, on the old instance, and checks it against the old codec.
 */
class CodecSwitchUnderTrafficTest {

    private static final int NUM_SWITCHES = 10;
    private static final int NUM_GENERATORS = 3;
    private static final String[] PROMPTS = {"Once upon a time", "The little dog", "Lily and Tom went to the park",
            "One day, a bird"};
    private static final String ENGINE_THREAD = "kvasir-engine-stories260K";

    private final AtomicLong switchCounter = new AtomicLong();
    private final Map<Long, AtomicInteger> exactByEpoch = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> exactByCodec = new ConcurrentHashMap<>();
    private final AtomicInteger numOverlapping = new AtomicInteger();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stop = new AtomicBoolean();

    /** The codec of the instance current in a stable (even) switch-counter value. */
    private static String codecAt(long epoch) {
        return (epoch / 2) % 2 == 0 ? "f32" : "int4-kivi";
    }

    @Test
    void switchingTheCodecTenTimesUnderTrafficLosesNoRequestAndLeavesOneInstance() throws Exception {
        ModelPathPolicy modelPaths = ModelPathPolicy.of(SharedFiles.require("models/stories260K.gguf").getParent());
        PluginRegistry plugins = PluginRegistry.load();
        SharedModels models = new SharedModels();
        EngineLauncher launcher = new EngineLauncher(modelPaths, plugins, models);
        ProfileValidator validator = new ProfileValidator(plugins, modelPaths);
        List<InProcessModelEngine> launched = new CopyOnWriteArrayList<>();
        long idleEngineThreads = countEngineThreads();

        ModelDeployment deployment = ModelDeployment.start("stories", ModelDeploymentTest.profile(), (name, profile) -> {
            InProcessModelEngine engine = launcher.launch(name, profile);
            launched.add(engine);
            return engine;
        }, validator);
        int[][] prompts = new int[PROMPTS.length][];
        for (int p = 0; p < PROMPTS.length; p++) {
            prompts[p] = deployment.tokenize(PROMPTS[p], true);
        }
        Map<String, List<Generation>> references = Map.of("f32", references(launcher, "f32", prompts),
                "int4-kivi", references(launcher, "int4-kivi", prompts));
        long oneInstanceF32 = launched.getFirst().engine().kvMemoryBytes();
        boolean codecsDiffer = false;
        for (int p = 0; p < prompts.length; p++) {
            codecsDiffer |= !references.get("f32").get(p).tokens().equals(references.get("int4-kivi").get(p).tokens());
        }
        assertThat(codecsDiffer).as("int4-kivi and f32 must give different text for some prompt, or the test shows nothing").isTrue();

        List<Thread> generators = new ArrayList<>();
        for (int g = 0; g < NUM_GENERATORS; g++) {
            int generator = g;
            generators.add(Thread.ofPlatform().name("generator-" + g).start(() -> generate(deployment, generator, prompts, references)));
        }
        for (int s = 1; s <= NUM_SWITCHES; s++) {
            long stable = switchCounter.get();
            String from = codecAt(stable);
            String to = codecAt(stable + 2);
            HeldRequest held = HeldRequest.open(deployment, "held-" + s, prompts[s % prompts.length]);
            held.firstToken.get(120, TimeUnit.SECONDS);

            switchCounter.incrementAndGet();
            ApplyResult result = deployment.apply(ModelDeploymentTest.withCodec(to));
            switchCounter.incrementAndGet();

            assertThat(result.outcome()).isEqualTo(ApplyResult.Outcome.NEW_INSTANCE);
            assertThat(result.diff().changes()).extracting(ProfileDiff.Change::field).containsExactly("plugins.codec");
            List<ModelDeployment.InstanceStatus> instances = deployment.instances();
            assertThat(instances).hasSize(2);
            assertThat(instances.get(0).current()).isTrue();
            assertThat(instances.get(1).current()).isFalse();
            assertThat(instances.get(1).numInFlight()).as("the held request keeps the old instance").isPositive();
            assertThat(result.settled()).isNotDone();
            // Let traffic run on the new instance while the old one drains.
            awaitExactRequests(stable + 2, 3);
            held.releaseAll();
            assertThat(held.result.get(120, TimeUnit.SECONDS).tokens()).as("held across switch %d", s)
                    .isEqualTo(references.get(from).get(s % prompts.length).tokens());
            result.settled().get(120, TimeUnit.SECONDS);
        }
        stop.set(true);
        for (Thread generator : generators) {
            generator.join(TimeUnit.SECONDS.toMillis(120));
        }

        assertThat(failures).isEmpty();
        assertThat(exactByCodec.get("f32").get()).isPositive();
        assertThat(exactByCodec.get("int4-kivi").get()).isPositive();
        // Ten switches from f32 end on f32: one instance, one instance's worth of KV memory.
        assertThat(deployment.instances()).singleElement()
                .satisfies(i -> assertThat(i.kvMemoryBytes()).isEqualTo(oneInstanceF32));
        assertThat(deployment.kvMemoryBytes()).isEqualTo(oneInstanceF32);
        assertThat(launched).hasSize(NUM_SWITCHES + 1);
        for (InProcessModelEngine retired : launched.subList(0, NUM_SWITCHES)) {
            assertThat(retired.engine().kvMemoryBytes()).as("KV memory of a drained instance is freed").isZero();
            assertThat(retired.isHealthy()).isFalse();
        }
        assertThat(countEngineThreads()).isEqualTo(idleEngineThreads + 1);
        assertThat(models.numOpen()).as("every instance shared one mapping of the file").isEqualTo(1);
        deployment.close();
        assertThat(models.numOpen()).isZero();
    }

    private static List<Generation> references(EngineLauncher launcher, String codec, int[][] prompts) {
        List<Generation> generations = new ArrayList<>();
        try (InProcessModelEngine reference = launcher.launch("reference", ModelDeploymentTest.withCodec(codec))) {
            for (int p = 0; p < prompts.length; p++) {
                Generation generation = ModelDeploymentTest.run(reference, codec + "-" + p, prompts[p]);
                assertThat(generation.finish()).isEqualTo(FinishReason.LENGTH);
                generations.add(generation);
            }
        }
        return generations;
    }

    /** Submits greedy requests back to back until told to stop, checking each response. */
    private void generate(ModelDeployment deployment, int generator, int[][] prompts, Map<String, List<Generation>> references) {
        for (int n = 0; !stop.get(); n++) {
            int p = (generator + n) % prompts.length;
            String id = "g" + generator + "-" + n;
            long before = switchCounter.get();
            long[] picked = new long[1];
            try {
                List<GenerationEvent> events = deployment.generate(GenerationRequest.of(id, prompts[p], ModelDeploymentTest.GREEDY))
                        .doOnSubscribe(subscription -> picked[0] = switchCounter.get())
                        .collectList().block(java.time.Duration.ofSeconds(120));
                Generation generation = Generation.of(events);
                List<Integer> f32 = references.get("f32").get(p).tokens();
                List<Integer> int4 = references.get("int4-kivi").get(p).tokens();
                if (before == picked[0] && before % 2 == 0) {
                    String codec = codecAt(before);
                    List<Integer> expected = codec.equals("f32") ? f32 : int4;
                    if (!generation.tokens().equals(expected) || generation.finish() != FinishReason.LENGTH) {
                        failures.add(id + " on " + codec + ": " + generation + ", expected " + expected);
                    }
                    exactByEpoch.computeIfAbsent(before, e -> new AtomicInteger()).incrementAndGet();
                    exactByCodec.computeIfAbsent(codec, c -> new AtomicInteger()).incrementAndGet();
                } else {
                    numOverlapping.incrementAndGet();
                    if (!generation.tokens().equals(f32) && !generation.tokens().equals(int4)) {
                        failures.add(id + " across a switch matches neither codec: " + generation);
                    }
                }
            } catch (RuntimeException e) {
                failures.add(id + " failed: " + e);
            }
        }
    }

    private void awaitExactRequests(long epoch, int count) throws InterruptedException {
        io.kvasir.engine.testing.Await.until(java.time.Duration.ofSeconds(120), () -> "the generators finish " + count
                + " requests of epoch " + epoch + " (failures: " + failures + ")",
                () -> exactByEpoch.getOrDefault(epoch, new AtomicInteger()).get() >= count);
    }

    private static long countEngineThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(ENGINE_THREAD) && t.isAlive()).count();
    }

    /** A request whose subscriber takes one event and then waits, so its stream stays open on its instance. */
    private static final class HeldRequest extends BaseSubscriber<GenerationEvent> {
        final CompletableFuture<Void> firstToken = new CompletableFuture<>();
        final CompletableFuture<Generation> result = new CompletableFuture<>();
        private final List<GenerationEvent> events = new CopyOnWriteArrayList<>();

        static HeldRequest open(ModelEngine engine, String id, int[] prompt) {
            HeldRequest held = new HeldRequest();
            engine.generate(GenerationRequest.of(id, prompt, ModelDeploymentTest.GREEDY)).subscribe(held);
            return held;
        }

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
            result.complete(Generation.of(events));
        }

        @Override
        protected void hookOnError(Throwable error) {
            firstToken.completeExceptionally(error);
            result.completeExceptionally(error);
        }

        void releaseAll() {
            request(Long.MAX_VALUE);
        }
    }
}
