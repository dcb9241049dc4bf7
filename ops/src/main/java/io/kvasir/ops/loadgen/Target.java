package io.kvasir.ops.loadgen;

/**
 * Where requests go: the gateway over HTTP ({@link OpenAiHttpTarget}) or, for the engine-only side of a
 * comparison, an engine in this process ({@link InProcessEngineTarget}). Both time their streams with a
 * {@link StreamRecorder}, so their figures are comparable.
 */
interface Target extends AutoCloseable {

    /**
     * Sends {@code request} for {@code tenant} and returns at once; the request streams in the background.
     * Never throws for a request that fails: its {@link InFlight#completion()} holds the failure's record.
     */
    InFlight send(PlannedRequest request, TenantSpec tenant);

    /** What the report names as the target (a URL, or {@code in-process:FILE}). */
    String describe();

    @Override
    void close();
}
