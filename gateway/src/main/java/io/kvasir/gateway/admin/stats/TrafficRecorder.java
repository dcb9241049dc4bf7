package io.kvasir.gateway.admin.stats;

import io.kvasir.api.GenerationRequest;
import io.kvasir.api.GenerationResult;
import io.kvasir.gateway.engine.GenerationEvent;
import io.kvasir.gateway.engine.GenerationObserver;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * Records every generation the deployments serve into per-model windows ({@link ModelTraffic}): each token (with
 * the time to the first one from submission, and the gap since the previous one), each end (with the request's
 * KV figures). The live statistics and the cache view read them. Recording is a few counter updates under the
 * model's lock, on the engine's loop thread; nothing here blocks or fails a generation.
 */
@Component
public class TrafficRecorder implements GenerationObserver {

    private final Map<String, ModelTraffic> models = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private final Clock clock;
    private final long originNanos;

    public TrafficRecorder() {
        this(System::nanoTime, Clock.systemUTC());
    }

    /** A recorder reading time from {@code nanoTime} (monotonic) and {@code clock} (when requests finished). */
    TrafficRecorder(LongSupplier nanoTime, Clock clock) {
        this.nanoTime = nanoTime;
        this.clock = clock;
        this.originNanos = nanoTime.getAsLong();
    }

    @Override
    public Flux<GenerationEvent> observe(String model, GenerationRequest request, Flux<GenerationEvent> generation) {
        return Flux.defer(() -> {
            ModelTraffic traffic = models.computeIfAbsent(model, m -> new ModelTraffic());
            Timing timing = new Timing(nanoTime.getAsLong());
            return generation.doOnNext(event -> record(traffic, request, timing, event));
        });
    }

    private void record(ModelTraffic traffic, GenerationRequest request, Timing timing, GenerationEvent event) {
        long now = nanoTime.getAsLong();
        switch (event) {
            case GenerationEvent.Queued queued -> {
                // Accepted by the engine; the first token's time still counts from the submission.
            }
            case GenerationEvent.Token token -> {
                boolean first = timing.lastTokenNanos < 0;
                traffic.token(second(now), request.tenantId(), request.tenantWeight(),
                        first ? now - timing.startNanos : -1, first ? -1 : now - timing.lastTokenNanos);
                timing.lastTokenNanos = now;
            }
            case GenerationEvent.Finished finished -> traffic.finished(second(now), recent(request, finished.result()));
        }
    }

    private RecentRequest recent(GenerationRequest request, GenerationResult result) {
        return new RecentRequest(result.requestId(), request.tenantId(), result.numPromptTokens(),
                result.numCachedPromptTokens(), result.numGeneratedTokens(), result.numBlocksHeld(),
                result.numEvictedTokens(), result.numPreemptions(), result.finishReason().name().toLowerCase(Locale.ROOT),
                Instant.now(clock));
    }

    /** The current second on this recorder's clock. */
    long currentSecond() {
        return second(nanoTime.getAsLong());
    }

    private long second(long nanos) {
        return (nanos - originNanos) / 1_000_000_000L;
    }

    /** A model's traffic windows ending now. */
    ModelTraffic.Window window(String model) {
        ModelTraffic traffic = models.get(model);
        return traffic == null ? new ModelTraffic().window(currentSecond()) : traffic.window(currentSecond());
    }

    /** A model's last finished requests, newest first. */
    public List<RecentRequest> recentRequests(String model) {
        ModelTraffic traffic = models.get(model);
        return traffic == null ? List.of() : traffic.recent();
    }

    /** One generation's clock. */
    private static final class Timing {
        final long startNanos;
        long lastTokenNanos = -1;

        Timing(long startNanos) {
            this.startNanos = startNanos;
        }
    }
}
