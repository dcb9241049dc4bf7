package io.kvasir.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.kvasir.gateway.store.AdminUserRepository;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Checks admin names and passwords against their PBKDF2 hashes. Verification runs off the event loop (it takes
 * a noticeable fraction of a second by design); a verified pair is remembered for
 * {@code kvasir.admin.credential-cache-ttl} under a SHA-256 of name and password, so HTTP Basic costs one
 * PBKDF2 run per client and period rather than per request.
 *
 * <p>Invariants: an unknown name costs the same PBKDF2 work as a wrong password (no name probing by timing);
 * {@link #invalidateAll()} after a password change makes the old password fail at once on this replica.
 */
@Component
public class AdminAuthenticator {

    private final AdminUserRepository admins;
    private final PasswordHasher hasher;
    private final Cache<String, AdminPrincipal> verified;
    private final String decoyHash;

    public AdminAuthenticator(AdminUserRepository admins, AdminProperties properties) {
        this.admins = admins;
        this.hasher = new PasswordHasher(properties.passwordIterations());
        this.verified = Caffeine.newBuilder().maximumSize(1_000).expireAfterWrite(properties.credentialCacheTtl()).build();
        this.decoyHash = hasher.hash(RandomTokens.base62(24));
    }

    /** The admin, or empty when the name and password do not match an admin user. */
    public Mono<AdminPrincipal> authenticate(String name, String password) {
        String cacheKey = HexFormat.of().formatHex(ApiKeys.sha256((name + '\0' + password).getBytes(StandardCharsets.UTF_8)));
        AdminPrincipal known = verified.getIfPresent(cacheKey);
        if (known != null) {
            return Mono.just(known);
        }
        return admins.findByName(name)
                .map(admin -> Optional.of(admin.passwordHash()))
                .defaultIfEmpty(Optional.empty())
                .publishOn(Schedulers.boundedElastic())
                .flatMap(stored -> {
                    boolean matches = hasher.verify(password, stored.orElse(decoyHash)) && stored.isPresent();
                    return matches ? Mono.just(new AdminPrincipal(name)) : Mono.<AdminPrincipal>empty();
                })
                .doOnNext(admin -> verified.put(cacheKey, admin));
    }

    /** The hasher new admin passwords go through. */
    public PasswordHasher hasher() {
        return hasher;
    }

    /** Forgets every remembered verification (after a password change). */
    public void invalidateAll() {
        verified.invalidateAll();
    }
}
