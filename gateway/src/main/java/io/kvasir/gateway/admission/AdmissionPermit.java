package io.kvasir.gateway.admission;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A held admission. Invariant: {@link #release()} gives back the tenant slot, the model queue place and the
 * unused tokens exactly once, whichever thread calls it and however often.
 */
final class AdmissionPermit implements Admission.Permit {

    final TenantGate gate;
    final ModelQueue queue;
    final String tenantId;
    final String model;
    final long reservedTokens;
    private final int promptTokens;
    private final TenantAdmission owner;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile long usedPromptTokens = -1;
    private volatile long usedCompletionTokens;

    AdmissionPermit(TenantAdmission owner, TenantGate gate, ModelQueue queue, String tenantId, String model,
            long reservedTokens, int promptTokens) {
        this.owner = owner;
        this.gate = gate;
        this.queue = queue;
        this.tenantId = tenantId;
        this.model = model;
        this.reservedTokens = reservedTokens;
        this.promptTokens = promptTokens;
    }

    @Override
    public void recordTokens(int promptTokens, int generatedTokens) {
        if (!released.get()) {
            usedCompletionTokens = Math.max(0, generatedTokens);
            usedPromptTokens = Math.max(0, promptTokens);
        }
    }

    @Override
    public void release() {
        if (released.compareAndSet(false, true)) {
            owner.released(this);
        }
    }

    boolean isReleased() {
        return released.get();
    }

    /** Prompt tokens as recorded, or as announced at admission when nothing was recorded. */
    long promptTokensUsed() {
        long recorded = usedPromptTokens;
        return recorded < 0 ? Math.max(0, promptTokens) : recorded;
    }

    long completionTokensUsed() {
        return usedCompletionTokens;
    }
}
