package io.kvasir.gateway.engine;

import io.kvasir.api.GenerationRequest;
import io.kvasir.engine.chat.ChatMessage;
import io.kvasir.engine.loop.EngineStats;
import io.kvasir.gateway.profile.InvalidProfileException;
import io.kvasir.gateway.profile.ModelProfile;
import io.kvasir.gateway.profile.ProfileDiff;
import io.kvasir.gateway.profile.ProfileValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * One model served under one name, and the way its profile changes at run time. It is the {@link ModelEngine}
 * the API handlers get for the name: each generation goes to the instance that is current when the stream is
 * subscribed (the request's submission) and stays there to its end.
 *
 * <p>{@link #apply} compares the new profile with the one in effect ({@link ProfileDiff}): changes that shape
 * no KV pool are installed in the current instance at its next step; any other change starts a new instance,
 * makes it current, and retires the old one, which finishes the requests it holds and is then closed, its KV
 * memory freed (the mapped model file stays while another instance uses it). A failed start changes nothing.
 * Rollback is an apply of an earlier profile.
 *
 * <p>Invariants:
 * <ul>
 *   <li>while open, exactly one instance is current; retired instances receive no new request;</li>
 *   <li>an instance's {@code numInFlight} counts streams subscribed on it and not yet ended; a retired instance
 *       is closed once, when that count is zero;</li>
 *   <li>a request runs on one instance from submission to end, so it finishes under one profile, never a mix
 *       (RELIABILITY.md item 23; within an instance, {@link io.kvasir.engine.loop.Engine#reconfigure} keeps that
 *       promise for the live changes);</li>
 *   <li>applies run one at a time.</li>
 * </ul>
 * Thread-safe.
 */
public final class ModelDeployment implements ModelEngine {

    private static final Logger log = LoggerFactory.getLogger(ModelDeployment.class);
    private static final CompletableFuture<Void> SETTLED = CompletableFuture.completedFuture(null);

    private final String name;
    private final Launcher launcher;
    private final ProfileValidator validator;
    private final GenerationObserver observer;
    private final AtomicLong instanceIds = new AtomicLong();
    private final Object applyLock = new Object();
    private final Object lock = new Object();
    // Guarded by lock.
    private Instance current;
    private final List<Instance> retired = new ArrayList<>();
    private ModelProfile profile;
    private boolean closed;

    private ModelDeployment(String name, Launcher launcher, ProfileValidator validator, GenerationObserver observer,
            ModelProfile profile) {
        this.name = name;
        this.launcher = launcher;
        this.validator = validator;
        this.observer = observer;
        this.profile = profile;
        this.current = new Instance(instanceIds.incrementAndGet(), launcher.launch(name, profile), profile);
    }

    /**
     * Validates a profile and starts serving it under {@code name}.
     *
     * @throws InvalidProfileException listing every problem of the profile
     * @param launcher starts engine instances ({@link EngineLauncher#launch})
     * @throws RuntimeException as {@link EngineLauncher#launch} when the instance cannot start
     */
    public static ModelDeployment start(String name, ModelProfile profile, Launcher launcher, ProfileValidator validator) {
        return start(name, profile, launcher, validator, GenerationObserver.NONE);
    }

    /**
     * As {@link #start(String, ModelProfile, Launcher, ProfileValidator)}, with every generation shown to
     * {@code observer}.
     */
    public static ModelDeployment start(String name, ModelProfile profile, Launcher launcher, ProfileValidator validator,
            GenerationObserver observer) {
        return new ModelDeployment(name, launcher, validator, observer, validator.check(profile));
    }

    /** The profile in effect (as validated: plugin configurations complete). */
    public ModelProfile profile() {
        synchronized (lock) {
            return profile;
        }
    }

    /**
     * What {@link #apply} would change, and how, without changing anything.
     *
     * @throws InvalidProfileException listing every problem of the profile
     */
    public ProfileDiff plan(ModelProfile target) {
        ModelProfile next = validator.check(target);
        synchronized (lock) {
            return ProfileDiff.between(profile, next, current.startedWith);
        }
    }

    /**
     * Puts a profile in effect. Returns once the change is decided: live changes are queued for the current
     * instance's next step, or the new instance is serving new requests. {@link ApplyResult#settled()} completes
     * when live changes are installed, or when the old instance has drained and been closed.
     *
     * @throws InvalidProfileException listing every problem of the profile; nothing changed
     * @throws IllegalStateException when the deployment is closed
     * @throws RuntimeException as {@link EngineLauncher#launch} when a new instance cannot start; the old one
     *         goes on serving the profile in effect
     */
    public ApplyResult apply(ModelProfile target) {
        ModelProfile next = validator.check(target);
        synchronized (applyLock) {
            Instance serving;
            ModelProfile inEffect;
            synchronized (lock) {
                requireOpen();
                serving = current;
                inEffect = profile;
            }
            ProfileDiff diff = ProfileDiff.between(inEffect, next, serving.startedWith);
            if (diff.isEmpty()) {
                return new ApplyResult(ApplyResult.Outcome.UNCHANGED, diff, inEffect, SETTLED);
            }
            if (!diff.needsDrain()) {
                CompletableFuture<Void> installed = serving.engine.reconfigure(next.liveConfig()).thenApply(live -> null);
                synchronized (lock) {
                    profile = next;
                }
                log.info("model {}: live change of {} at the next step", name, fieldsOf(diff));
                return new ApplyResult(ApplyResult.Outcome.LIVE, diff, next, installed);
            }
            Instance fresh = new Instance(instanceIds.incrementAndGet(), launcher.launch(name, next), next);
            Instance old;
            synchronized (lock) {
                old = closed ? null : current;
                if (old != null) {
                    current = fresh;
                    profile = next;
                    old.retired = true;
                    retired.add(old);
                }
            }
            if (old == null) {
                fresh.close();
                throw new IllegalStateException("model " + name + " was unloaded while the new instance started");
            }
            log.info("model {}: instance {} serves the change of {}; instance {} drains", name, fresh.id, fieldsOf(diff), old.id);
            closeIfDrained(old);
            return new ApplyResult(ApplyResult.Outcome.NEW_INSTANCE, diff, next, old.closed);
        }
    }

    private static List<String> fieldsOf(ProfileDiff diff) {
        return diff.changes().stream().map(ProfileDiff.Change::field).toList();
    }

    /** The current instance first, then those still draining. */
    public List<InstanceStatus> instances() {
        List<Instance> all;
        int[] numInFlight;
        synchronized (lock) {
            all = new ArrayList<>(retired.size() + 1);
            all.add(current);
            all.addAll(retired);
            numInFlight = all.stream().mapToInt(i -> i.numInFlight).toArray();
        }
        List<InstanceStatus> statuses = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            Instance instance = all.get(i);
            statuses.add(new InstanceStatus(instance.id, i == 0, numInFlight[i], instance.engine.engine().kvMemoryBytes(),
                    instance.startedWith, instance.engine.stats()));
        }
        return statuses;
    }

    /** The engines of the instances not yet closed: the current one first, then those draining. */
    public List<InProcessModelEngine> engines() {
        synchronized (lock) {
            List<InProcessModelEngine> all = new ArrayList<>(retired.size() + 1);
            all.add(current.engine);
            retired.forEach(instance -> all.add(instance.engine));
            return all;
        }
    }

    /** KV memory held by the instances not yet closed, in bytes. */
    public long kvMemoryBytes() {
        return instances().stream().mapToLong(InstanceStatus::kvMemoryBytes).sum();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ModelInfo info() {
        return currentEngine().info();
    }

    @Override
    public int[] tokenize(String text, boolean addSpecial) {
        return currentEngine().tokenize(text, addSpecial);
    }

    @Override
    public String detokenize(int[] tokenIds) {
        return currentEngine().detokenize(tokenIds);
    }

    @Override
    public int[] chatPrompt(List<ChatMessage> messages) {
        return currentEngine().chatPrompt(messages);
    }

    @Override
    public byte[] tokenBytes(int tokenId) {
        return currentEngine().tokenBytes(tokenId);
    }

    /** The current instance's prefix cache; a drained instance's cache goes with it. */
    @Override
    public io.kvasir.api.plugin.@org.jspecify.annotations.Nullable PrefixCacheStats prefixCacheStats() {
        return currentEngine().prefixCacheStats();
    }

    /** Runs on the instance current at subscription; a profile applied meanwhile does not move it. */
    @Override
    public Flux<GenerationEvent> generate(GenerationRequest request) {
        return observer.observe(name, request, Flux.defer(() -> {
            Instance instance = acquire();
            return instance.engine.generate(request).doFinally(signal -> release(instance));
        }));
    }

    /** The current instance's counters. */
    @Override
    public EngineStats stats() {
        return currentEngine().stats();
    }

    @Override
    public boolean isHealthy() {
        synchronized (lock) {
            return !closed && current.engine.isHealthy();
        }
    }

    /** Stops serving: every instance closes now, requests still running end as cancelled. */
    @Override
    public void close() {
        List<Instance> all;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(retired);
            all.add(current);
        }
        for (Instance instance : all) {
            instance.close();
        }
    }

    private InProcessModelEngine currentEngine() {
        synchronized (lock) {
            requireOpen();
            return current.engine;
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("model " + name + " is unloaded");
        }
    }

    private Instance acquire() {
        synchronized (lock) {
            requireOpen();
            current.numInFlight++;
            return current;
        }
    }

    private void release(Instance instance) {
        synchronized (lock) {
            instance.numInFlight--;
        }
        closeIfDrained(instance);
    }

    /** Closes a retired instance with nothing in flight, off the caller's thread (which may be its own loop). */
    private void closeIfDrained(Instance instance) {
        synchronized (lock) {
            if (!instance.retired || instance.numInFlight > 0 || instance.closing) {
                return;
            }
            instance.closing = true;
        }
        Thread.ofVirtual().name("kvasir-drain-" + name + "-" + instance.id).start(() -> {
            // off the list before the apply settles, so whoever waited on it sees the instance gone
            instance.close(() -> {
                synchronized (lock) {
                    retired.remove(instance);
                }
            });
            log.info("model {}: instance {} drained and closed", name, instance.id);
        });
    }

    /** Starts an engine instance serving a profile under a name ({@link EngineLauncher#launch}). */
    @FunctionalInterface
    public interface Launcher {
        InProcessModelEngine launch(String name, ModelProfile profile);
    }

    /** An engine instance with the profile it started with and its streams in flight. */
    private static final class Instance {
        final long id;
        final InProcessModelEngine engine;
        final ModelProfile startedWith;
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        private final AtomicBoolean closeOnce = new AtomicBoolean();
        // Guarded by the deployment's lock.
        int numInFlight;
        boolean retired;
        boolean closing;

        Instance(long id, InProcessModelEngine engine, ModelProfile startedWith) {
            this.id = id;
            this.engine = engine;
            this.startedWith = startedWith;
        }

        void close() {
            close(() -> {
            });
        }

        /** Closes the engine once, then runs {@code beforeSettling}, then completes {@link #closed}. */
        void close(Runnable beforeSettling) {
            if (closeOnce.compareAndSet(false, true)) {
                try {
                    engine.close();
                } catch (RuntimeException e) {
                    log.warn("closing engine instance {} failed", id, e);
                } finally {
                    try {
                        beforeSettling.run();
                    } finally {
                        closed.complete(null);
                    }
                }
            }
        }
    }

    /**
     * What an apply did.
     *
     * @param outcome nothing, a live change, or a new instance
     * @param diff the changes, each with its effect
     * @param profile the profile in effect afterwards
     * @param settled completes when a live change is installed, or when the retired instance has drained and
     *        closed; already complete for {@link Outcome#UNCHANGED}
     */
    public record ApplyResult(Outcome outcome, ProfileDiff diff, ModelProfile profile, CompletableFuture<Void> settled) {

        /** What an apply did. */
        public enum Outcome {
            /** The profile was already in effect. */
            UNCHANGED,
            /** Installed in the running instance at its next step. */
            LIVE,
            /** A new instance serves new requests; the old one drains. */
            NEW_INSTANCE
        }
    }

    /**
     * One engine instance of the deployment.
     *
     * @param id increasing with each instance started
     * @param current whether new requests go to it (false: draining)
     * @param numInFlight streams running on it
     * @param kvMemoryBytes its KV memory
     * @param startedWith the profile it started with (live changes since not included)
     * @param stats its engine's counters
     */
    public record InstanceStatus(long id, boolean current, int numInFlight, long kvMemoryBytes, ModelProfile startedWith,
            EngineStats stats) {
    }
}
