package io.kvasir.gateway.api.generation;

import io.kvasir.api.GenerationResult;
import io.kvasir.gateway.engine.GenerationEvent;
import io.kvasir.gateway.metrics.GatewayMetrics;
import io.kvasir.gateway.metrics.GatewayMetrics.Outcome;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Feeds one run's events into {@link GatewayMetrics}: time to first token (once per request), inter-token
 * latency per choice, token counts per finished choice (prompt tokens once per prompt), and the request's outcome
 * exactly once, however it ends; and the tokens generated, which admission is told when the run ends. Events of
 * one run arrive serially (Reactive Streams), so plain fields suffice except for the outcome, which cancellation
 * may race, and the token counts, read by whichever thread ends the run.
 */
final class RunObserver {

    private final GenerationPlan plan;
    private final long arrivalNanos;
    private final GatewayMetrics metrics;
    private final long[] lastTokenNanos;
    private final AtomicBoolean counted = new AtomicBoolean();
    private final AtomicIntegerArray numTokensPerChoice;
    private boolean sawFirstToken;

    RunObserver(GenerationPlan plan, long arrivalNanos, GatewayMetrics metrics) {
        this.plan = plan;
        this.arrivalNanos = arrivalNanos;
        this.metrics = metrics;
        this.lastTokenNanos = new long[plan.numChoices()];
        this.numTokensPerChoice = new AtomicIntegerArray(plan.numChoices());
    }

    void onEvent(ChoiceEvent e) {
        switch (e.event()) {
            case GenerationEvent.Token token -> onToken(e.index());
            case GenerationEvent.Finished(GenerationResult result) -> onFinished(e.index(), result);
            case GenerationEvent.Queued queued -> {
            }
        }
    }

    private void onToken(int index) {
        numTokensPerChoice.incrementAndGet(index);
        long now = System.nanoTime();
        if (!sawFirstToken) {
            sawFirstToken = true;
            metrics.recordTimeToFirstToken(plan.model(), plan.tenant().id(), now - arrivalNanos);
        }
        if (lastTokenNanos[index] != 0) {
            metrics.recordInterTokenLatency(plan.model(), plan.tenant().id(), now - lastTokenNanos[index]);
        }
        lastTokenNanos[index] = now;
    }

    private void onFinished(int index, GenerationResult result) {
        boolean firstOfPrompt = index % plan.n() == 0;
        numTokensPerChoice.set(index, result.numGeneratedTokens());
        metrics.countTokens(plan.model(), plan.tenant().id(), firstOfPrompt ? result.numPromptTokens() : 0,
                firstOfPrompt ? result.numCachedPromptTokens() : 0, result.numGeneratedTokens());
    }

    /**
     * Tokens generated so far, all choices together: the engine's count for a finished choice, the tokens
     * received for one cut short (cancelled, failed or drained). Safe to call from any thread.
     */
    int numGeneratedTokens() {
        int sum = 0;
        for (int i = 0; i < numTokensPerChoice.length(); i++) {
            sum += numTokensPerChoice.get(i);
        }
        return sum;
    }

    void completed() {
        count(Outcome.COMPLETED);
    }

    void cancelled() {
        count(Outcome.CANCELLED);
    }

    void failed(Throwable failure) {
        count(Outcome.of(failure));
    }

    private void count(Outcome outcome) {
        if (counted.compareAndSet(false, true)) {
            metrics.countRequest(plan.model(), plan.tenant().id(), outcome);
        }
    }
}
