package io.kvasir.ops.loadgen;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.jspecify.annotations.Nullable;

/**
 * Reads the gateway's own JVM gauges from its Prometheus endpoint: heap in use
 * ({@code jvm_memory_used_bytes{area="heap"}}, summed over pools) and live threads
 * ({@code jvm_threads_live_threads}), plus any other gauges asked for by name (summed over their labels).
 * A scrape that fails gives a snapshot with NaN values and the reason, so a probe still reports what the
 * client saw.
 */
final class GatewayMetrics implements AutoCloseable {

    static final String HEAP = "jvm_memory_used_bytes";
    static final String THREADS = "jvm_threads_live_threads";

    /** One scrape; NaN where a value was missing. */
    record Snapshot(double heapUsedBytes, double liveThreads, Map<String, Double> extra, @Nullable String error) {
    }

    private final URI url;
    private final @Nullable String authorization;
    private final List<String> extraMetrics;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client = OpenAiHttpTarget.newClient(executor);

    /**
     * @param basicAuth {@code USER:PASSWORD} for HTTP basic authentication, or null
     */
    GatewayMetrics(URI url, @Nullable String basicAuth, List<String> extraMetrics) {
        this.url = url;
        this.authorization = basicAuth == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(basicAuth.getBytes(StandardCharsets.UTF_8));
        this.extraMetrics = List.copyOf(extraMetrics);
    }

    URI url() {
        return url;
    }

    Snapshot sample() {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return failed("GET " + url + " answered " + response.statusCode());
            }
            return of(PrometheusText.parse(response.body()));
        } catch (IOException | IllegalArgumentException e) {
            return failed("GET " + url + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed("interrupted");
        }
    }

    Snapshot of(PrometheusText text) {
        Map<String, Double> extra = new LinkedHashMap<>();
        for (String name : extraMetrics) {
            extra.put(name, text.sum(name, Map.of()));
        }
        return new Snapshot(text.sum(HEAP, Map.of("area", "heap")), text.sum(THREADS, Map.of()), extra, null);
    }

    private Snapshot failed(String why) {
        Map<String, Double> extra = new LinkedHashMap<>();
        extraMetrics.forEach(name -> extra.put(name, Double.NaN));
        return new Snapshot(Double.NaN, Double.NaN, extra, why);
    }

    @Override
    public void close() {
        client.shutdownNow();
        executor.shutdownNow();
    }
}
