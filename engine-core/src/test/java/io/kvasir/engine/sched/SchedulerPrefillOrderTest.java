package io.kvasir.engine.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.api.GenerationRequest;
import io.kvasir.api.SamplingParams;
import io.kvasir.api.plugin.SchedulingPolicy;
import io.kvasir.engine.kv.BlockPool;
import io.kvasir.engine.kv.KvCacheManager;
import io.kvasir.engine.testing.CollectingListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How a step's budget is shared: decoding requests get their token first, then the scheduling policy orders the
 * prompt work of running requests still prefilling and of waiting ones, so a policy can put a new request ahead
 * of the rest of a long prompt (the fairness a light tenant needs beside a heavy one).
 */
class SchedulerPrefillOrderTest {

    private static final int BUDGET = 256;

    /** Serves the highest priority first; index 0 (first come) among equals. */
    private static final SchedulingPolicy HIGHEST_PRIORITY = (candidates, now) -> {
        int best = 0;
        for (int i = 1; i < candidates.size(); i++) {
            if (candidates.get(i).priority() > candidates.get(best).priority()) {
                best = i;
            }
        }
        return best;
    };

    private static final SchedulingPolicy FIRST_COME = (candidates, now) -> 0;

    private final List<String> failures = new ArrayList<>();

    private Scheduler scheduler(SchedulingPolicy policy, int numBlocks) {
        KvCacheManager kvCache = new KvCacheManager(new BlockPool(numBlocks, 16), System::nanoTime);
        return new Scheduler(kvCache, BUDGET, 8, policy, e -> failures.add(String.valueOf(e)));
    }

    private static Request request(String id, int numPromptTokens, int priority) {
        int[] prompt = new int[numPromptTokens];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = 1 + i % 100;
        }
        GenerationRequest spec = new GenerationRequest(id, "tenant-" + id, prompt, SamplingParams.builder().maxTokens(8).build(), priority);
        return new Request(spec, new CollectingListener(), System.nanoTime(), 8);
    }

    /** Runs the planned step as the engine would: computes the tokens and samples one for requests done prefilling. */
    private static Map<String, Integer> step(Scheduler scheduler) {
        ScheduledBatch batch = scheduler.schedule();
        Map<String, Integer> tokens = new LinkedHashMap<>();
        int total = 0;
        for (int i = 0; i < batch.size(); i++) {
            Request request = batch.request(i);
            int numNew = batch.numNewTokens(i);
            tokens.put(request.requestId(), numNew);
            total += numNew;
            request.advanceComputed(numNew);
            if (request.numUncomputedTokens() == 0) {
                request.appendToken(7);
            }
        }
        assertThat(total).isLessThanOrEqualTo(BUDGET);
        return tokens;
    }

    @Test
    void aNewRequestThePolicyPrefersGoesAheadOfTheRestOfALongPrompt() {
        Scheduler scheduler = scheduler(HIGHEST_PRIORITY, 1024);
        Request decoding = request("decoding", 10, 0);
        scheduler.add(decoding);
        assertThat(step(scheduler)).containsExactly(Map.entry("decoding", 10));
        Request longPrompt = request("long", 1000, 0);
        scheduler.add(longPrompt);
        assertThat(step(scheduler)).containsExactly(Map.entry("decoding", 1), Map.entry("long", 255));

        scheduler.add(request("urgent", 100, 5));
        // The decode first, then the urgent prompt whole, then what is left for the long prompt.
        assertThat(step(scheduler)).containsExactly(Map.entry("decoding", 1), Map.entry("urgent", 100), Map.entry("long", 155));
        assertThat(step(scheduler)).containsExactly(Map.entry("decoding", 1), Map.entry("urgent", 1), Map.entry("long", 254));
        assertThat(failures).isEmpty();
    }

    @Test
    void firstComeFirstServedFinishesTheRunningPromptBeforeAdmittingMore() {
        Scheduler scheduler = scheduler(FIRST_COME, 1024);
        scheduler.add(request("long", 600, 0));
        assertThat(step(scheduler)).containsExactly(Map.entry("long", 256));
        scheduler.add(request("next", 100, 5));
        assertThat(step(scheduler)).containsExactly(Map.entry("long", 256));
        assertThat(step(scheduler)).containsExactly(Map.entry("long", 88), Map.entry("next", 100));
        assertThat(failures).isEmpty();
    }

    @Test
    void aPrefillShortOfBlocksTakesWhatFitsWithoutPreemptingTheStepsDecodes() {
        // 20 blocks of 16 = 320 slots: the decoding request holds 2 blocks, the long prompt wants 19 more.
        Scheduler scheduler = scheduler(FIRST_COME, 20);
        scheduler.add(request("decoding", 20, 0));
        step(scheduler);
        scheduler.add(request("long", 600, 0));
        assertThat(step(scheduler)).containsExactly(Map.entry("decoding", 1), Map.entry("long", 255));
        // 18 of 20 blocks are held; the long prompt's last block has 1 free slot: 33 tokens fit beside the decode.
        assertThat(step(scheduler)).containsExactly(Map.entry("decoding", 1), Map.entry("long", 33));
        assertThat(step(scheduler)).containsExactly(Map.entry("decoding", 1));
        assertThat(scheduler.numRunning()).isEqualTo(2);
        assertThat(failures).isEmpty();
    }
}
