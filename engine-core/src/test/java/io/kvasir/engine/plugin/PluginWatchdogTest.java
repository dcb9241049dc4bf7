package io.kvasir.engine.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.kvasir.api.plugin.PluginKind;

/** The watchdog on its own: plain calls, calls that block, calls that ignore interrupts, stuck forward passes. */
class PluginWatchdogTest {

    private static final Duration TIMEOUT = Duration.ofMillis(200);

    private final List<PluginFailureException> failures = new CopyOnWriteArrayList<>();
    private final CompletableFuture<RuntimeException> lost = new CompletableFuture<>();
    private final PluginRegistry registry = PluginRegistry.load();
    private PluginWatchdog watchdog;

    private PluginWatchdog start(Duration forwardTimeout) {
        watchdog = new PluginWatchdog("test-watchdog", registry, TIMEOUT, forwardTimeout, new PluginWatchdog.Listener() {
            @Override
            public void pluginFailed(PluginFailureException failure) {
                failures.add(failure);
            }

            @Override
            public void threadLost(RuntimeException failure) {
                lost.complete(failure);
            }
        });
        watchdog.start();
        return watchdog;
    }

    @AfterEach
    void stop() {
        FaultyPlugins.spinReleased = true;
        if (watchdog != null) {
            watchdog.close();
        }
    }

    private static int guarded(PluginGuard guard, String mode) {
        guard.enter("pickNext");
        try {
            if (!mode.isEmpty()) {
                FaultyPlugins.misbehave(mode);
            }
            return 7;
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }

    @Test
    void aCallThatReturnsIsLeftAlone() {
        PluginGuard guard = start(Duration.ZERO).guard(PluginKind.SCHEDULING, "test-newest");
        for (int i = 0; i < 1000; i++) {
            assertThat(guarded(guard, "")).isEqualTo(7);
        }
        assertThat(guard.isDisabled()).isFalse();
        assertThat(failures).isEmpty();
    }

    @Test
    void aCallThatThrowsIsCountedAndLeavesThePluginEnabled() {
        PluginGuard guard = start(Duration.ZERO).guard(PluginKind.SCHEDULING, "test-newest");
        assertThatThrownBy(() -> guarded(guard, "throw")).hasMessageContaining("deliberate failure");
        assertThat(guard.isDisabled()).isFalse();
        assertThat(failures).singleElement().satisfies(f -> assertThat(f.pluginDisabled()).isFalse());
        assertThat(registry.statuses(PluginKind.SCHEDULING)).filteredOn(s -> s.name().equals("test-newest")).singleElement()
                .satisfies(s -> {
                    assertThat(s.state()).isEqualTo(PluginStatus.State.ACTIVE);
                    assertThat(s.numStepFailures()).isEqualTo(1);
                });
    }

    @Test
    void aBlockedCallIsInterruptedAndItsPluginDisabledEverywhere() {
        PluginGuard guard = start(Duration.ZERO).guard(PluginKind.SCHEDULING, "test-newest");
        assertThatThrownBy(() -> guarded(guard, "block")).isInstanceOf(PluginTimeoutException.class)
                .hasMessageContaining("scheduling plugin 'test-newest' did not return from pickNext within 200 ms; disabled");
        assertThat(Thread.currentThread().isInterrupted()).as("the watchdog's interrupt is cleared").isFalse();
        assertThat(guard.isDisabled()).isTrue();
        assertThat(failures).singleElement().isInstanceOf(PluginTimeoutException.class);
        assertThat(registry.statuses(PluginKind.SCHEDULING)).filteredOn(s -> s.name().equals("test-newest")).singleElement()
                .satisfies(s -> {
                    assertThat(s.state()).isEqualTo(PluginStatus.State.FAILED);
                    assertThat(s.failure()).contains("did not return from pickNext within 200 ms");
                });
        assertThatThrownBy(() -> registry.create(PluginKind.SCHEDULING, "test-newest", java.util.Map.of(), Object.class))
                .isInstanceOf(UnknownPluginException.class).hasMessageContaining("is unavailable: did not return");
        // Later calls fail at once, without reaching the plugin.
        assertThatThrownBy(() -> guarded(guard, "block")).isInstanceOf(PluginFailureException.class)
                .hasMessageContaining("is disabled")
                .satisfies(e -> assertThat(((PluginFailureException) e).pluginDisabled()).isTrue());
        assertThat(failures).hasSize(1);
        assertThat(lost).isNotDone();
    }

    @Test
    void aCallThatIgnoresTheInterruptLosesItsThreadWhichStopsIfItComesBack() throws Exception {
        FaultyPlugins.spinReleased = false;
        PluginGuard guard = start(Duration.ZERO).guard(PluginKind.SCHEDULING, "test-newest");
        CompletableFuture<Throwable> ending = new CompletableFuture<>();
        Thread stuck = Thread.ofPlatform().daemon(true).start(() -> {
            try {
                guarded(guard, "spin");
                ending.complete(null);
            } catch (Throwable t) {
                ending.complete(t);
            }
        });
        RuntimeException failure = lost.get(30, TimeUnit.SECONDS);
        assertThat(failure).isInstanceOf(PluginTimeoutException.class).hasMessageContaining("nor after an interrupt");
        assertThat(watchdog.isLost()).isTrue();
        assertThat(ending).isNotDone();
        FaultyPlugins.spinReleased = true;
        assertThat(ending.get(30, TimeUnit.SECONDS)).isInstanceOf(AbandonedThreadError.class);
        stuck.join();
        assertThatThrownBy(() -> guard.enter("pickNext")).isInstanceOf(PluginFailureException.class);
    }

    @Test
    void aForwardPassPastItsTimeoutLosesTheThread() throws Exception {
        FaultyPlugins.spinReleased = false;
        start(TIMEOUT);
        CompletableFuture<Throwable> ending = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).start(() -> {
            try {
                watchdog.enterForward();
                try {
                    FaultyPlugins.misbehave("spin");
                } finally {
                    watchdog.exitForward();
                }
                ending.complete(null);
            } catch (Throwable t) {
                ending.complete(t);
            }
        });
        assertThat(lost.get(30, TimeUnit.SECONDS)).hasMessageContaining("a forward pass did not finish within 200 ms");
        FaultyPlugins.spinReleased = true;
        assertThat(ending.get(30, TimeUnit.SECONDS)).isInstanceOf(AbandonedThreadError.class);
        assertThat(failures).isEmpty();
    }

    @Test
    void forwardPassesAreUnwatchedWithAZeroTimeout() {
        start(Duration.ZERO);
        watchdog.enterForward();
        watchdog.exitForward();
        PluginGuard guard = watchdog.guard(PluginKind.SCHEDULING, "test-newest");
        assertThat(guarded(guard, "")).isEqualTo(7);
    }
}
