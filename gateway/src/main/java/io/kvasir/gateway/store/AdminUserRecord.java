package io.kvasir.gateway.store;

import java.time.Instant;

/**
 * A stored admin user.
 *
 * @param name login name
 * @param passwordHash the PBKDF2 hash in {@code pbkdf2-sha256$iterations$salt$hash} form
 * @param createdAt when it was created
 * @param updatedAt when the password last changed
 */
public record AdminUserRecord(String name, String passwordHash, Instant createdAt, Instant updatedAt) {
}
