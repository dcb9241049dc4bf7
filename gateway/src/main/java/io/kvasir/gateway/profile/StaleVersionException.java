package io.kvasir.gateway.profile;

/** A profile change made against a version that is no longer the model's current one. */
public final class StaleVersionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String model;
    private final long expectedVersion;
    private final long currentVersion;

    /**
     * @param currentVersion the version in effect now, or -1 when unknown (another writer won a race)
     */
    public StaleVersionException(String model, long expectedVersion, long currentVersion) {
        super("the profile of " + model + " is at version " + (currentVersion < 0 ? "a newer version" : currentVersion)
                + ", not " + expectedVersion + "; read it again and reapply your change", null, false, false);
        this.model = model;
        this.expectedVersion = expectedVersion;
        this.currentVersion = currentVersion;
    }

    public String model() {
        return model;
    }

    public long expectedVersion() {
        return expectedVersion;
    }

    public long currentVersion() {
        return currentVersion;
    }
}
