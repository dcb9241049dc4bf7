package io.kvasir.gateway.admin.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.api.FinishReason;
import io.kvasir.api.GenerationRequest;
import io.kvasir.api.GenerationResult;
import io.kvasir.api.SamplingParams;
import io.kvasir.api.TokenOutput;
import io.kvasir.gateway.engine.GenerationEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** The traffic windows behind the live statistics, on a clock the test moves. */
class ModelTrafficTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    @Test
    void ratesCountTheLastFiveCompleteSecondsAndLatenciesTheLastMinute() {
        ModelTraffic traffic = new ModelTraffic();
        for (int s = 0; s < 10; s++) {
            for (int t = 0; t < 10; t++) {
                traffic.token(s, "a", 1.0, t == 0 ? (s + 1) * MS : -1, t == 0 ? -1 : 2 * MS);
            }
            traffic.finished(s, request("r" + s, 100, 40));
        }
        // At second 10, seconds 5..9 are the rate window: 50 tokens and 5 requests over five seconds.
        ModelTraffic.Window window = traffic.window(10);
        assertThat(window.tokensPerSecond()).isEqualTo(10.0);
        assertThat(window.requestsPerSecond()).isEqualTo(1.0);
        assertThat(window.ttft().samples()).isEqualTo(10);
        assertThat(window.ttft().p50()).isEqualTo(5.0);
        assertThat(window.ttft().p90()).isEqualTo(9.0);
        assertThat(window.ttft().p99()).isEqualTo(10.0);
        assertThat(window.itl().samples()).isEqualTo(90);
        assertThat(window.itl().p99()).isEqualTo(2.0);
        assertThat(window.prefixHitRate()).isEqualTo(0.4);
        assertThat(window.tenants()).containsOnlyKeys("a");
        assertThat(window.tenants().get("a").tokens()).isEqualTo(50);

        // The current second does not count toward rates until it is complete; a minute later nothing is left.
        traffic.token(10, "b", 2.0, 1, -1);
        assertThat(traffic.window(10).tenants()).containsOnlyKeys("a");
        assertThat(traffic.window(11).tenants().get("b").weight()).isEqualTo(2.0);
        ModelTraffic.Window later = traffic.window(100);
        assertThat(later.tokensPerSecond()).isZero();
        assertThat(later.ttft()).isEqualTo(Percentiles.NONE);
        assertThat(later.prefixHitRate()).isNull();
    }

    @Test
    void aBucketKeepsABoundedSampleOfLatencies() {
        ModelTraffic traffic = new ModelTraffic();
        for (int i = 1; i <= 10_000; i++) {
            traffic.token(0, "a", 1.0, -1, i * MS);
        }
        Percentiles itl = traffic.window(0).itl();
        assertThat(itl.samples()).isEqualTo(ModelTraffic.MAX_SAMPLES);
        // A uniform sample of 1..10000 ms: the median is near 5000 ms.
        assertThat(itl.p50()).isBetween(4000.0, 6000.0);
    }

    @Test
    void theRecentRequestsAreTheNewestFifty() {
        ModelTraffic traffic = new ModelTraffic();
        for (int i = 0; i < 60; i++) {
            traffic.finished(0, request("r" + i, 10, 0));
        }
        assertThat(traffic.recent()).hasSize(ModelTraffic.MAX_RECENT);
        assertThat(traffic.recent().getFirst().id()).isEqualTo("r59");
        assertThat(traffic.recent().getLast().id()).isEqualTo("r10");
    }

    @Test
    void theRecorderTimesTheFirstTokenFromSubmissionAndTheGapsBetweenTokens() {
        AtomicLong now = new AtomicLong(5 * SECOND);
        TrafficRecorder recorder = new TrafficRecorder(now::get, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        GenerationRequest request = new GenerationRequest("req-1", "tenant-a", 3.0, "tenant-a", new int[] {1, 2, 3},
                SamplingParams.builder().maxTokens(3).build(), 0);
        GenerationResult result = new GenerationResult("req-1", FinishReason.LENGTH, 3, 0, 3, 0, 0, 1, 4, 7, null);
        Flux<GenerationEvent> generation = Flux.just(token(), token(), token(), new GenerationEvent.Finished(result))
                .doOnNext(event -> now.addAndGet(event instanceof GenerationEvent.Token ? 20 * MS : 0));
        now.addAndGet(SECOND);
        recorder.observe("m", request, generation.doOnSubscribe(s -> now.addAndGet(30 * MS))).blockLast();

        now.addAndGet(SECOND);
        ModelTraffic.Window window = recorder.window("m");
        // Subscribed at 6 s; the first token arrived 30 ms + 20 ms later, the next ones 20 ms apart.
        assertThat(window.ttft().p50()).isEqualTo(50.0);
        assertThat(window.itl().samples()).isEqualTo(2);
        assertThat(window.itl().p50()).isEqualTo(20.0);
        assertThat(window.tenants().get("tenant-a").weight()).isEqualTo(3.0);
        assertThat(recorder.recentRequests("m")).singleElement().isEqualTo(new RecentRequest("req-1", "tenant-a", 3, 0, 3,
                4, 7, 1, "length", Instant.EPOCH));
        assertThat(recorder.recentRequests("other")).isEmpty();
    }

    private static GenerationEvent token() {
        return new GenerationEvent.Token(new TokenOutput(5, "x", 0f, null, null));
    }

    private static RecentRequest request(String id, int prompt, int cached) {
        return new RecentRequest(id, "a", prompt, cached, 1, 1, 0, 0, "stop", Instant.EPOCH);
    }
}
