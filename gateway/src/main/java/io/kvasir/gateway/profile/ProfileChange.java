package io.kvasir.gateway.profile;

import java.util.Locale;

/** How a stored profile version came about, and the audit action that records it. */
public enum ProfileChange {
    /** The first start stored the profile the properties describe. */
    INITIAL("profile.initial"),
    /** An admin applied a profile. */
    APPLY("profile.apply"),
    /** An admin restored an earlier version. */
    ROLLBACK("profile.rollback"),
    /** An admin loaded the model through the API. */
    LOAD("model.load"),
    /** The stored profile could not start at gateway start; the model started from its properties instead. */
    FALLBACK("profile.fallback");

    private final String auditAction;

    ProfileChange(String auditAction) {
        this.auditAction = auditAction;
    }

    /** The id stored and shown ({@code apply}, {@code rollback}, ...). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The audit log's action for it. */
    public String auditAction() {
        return auditAction;
    }

    /** The change with this id. */
    public static ProfileChange ofId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
