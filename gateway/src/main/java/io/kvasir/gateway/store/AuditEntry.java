package io.kvasir.gateway.store;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One admin change.
 *
 * @param id increasing id
 * @param actor the admin who made it ({@code kvasir} for changes the gateway makes itself at first start)
 * @param occurredAt when
 * @param action what, as {@code noun.verb} ({@code tenant.create}, {@code key.revoke})
 * @param target what it changed ({@code tenant:acme}, {@code key:key_...})
 * @param beforeJson the target's state before, as JSON; null when it did not exist
 * @param afterJson the target's state after, as JSON; null when it no longer exists
 */
public record AuditEntry(long id, String actor, Instant occurredAt, String action, String target,
        @Nullable String beforeJson, @Nullable String afterJson) {
}
