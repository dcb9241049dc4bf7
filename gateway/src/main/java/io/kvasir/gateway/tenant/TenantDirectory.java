package io.kvasir.gateway.tenant;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.kvasir.gateway.store.TenantRecord;
import io.kvasir.gateway.store.TenantRepository;
import java.util.Optional;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Tenants by id, cached in front of the store. Authentication and admission read tenants through here.
 *
 * <p>Invariant: a change made through {@link TenantService} on this replica is visible here as soon as its
 * transaction commits ({@link #invalidate}); changes from other replicas within {@code kvasir.tenants.cache-ttl}.
 */
@Component
public class TenantDirectory {

    private final AsyncLoadingCache<String, Optional<TenantRecord>> cache;

    public TenantDirectory(TenantRepository tenants, TenantProperties properties) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(properties.cacheTtl())
                .buildAsync((id, executor) -> tenants.findById(id).map(Optional::of)
                        .defaultIfEmpty(Optional.empty()).toFuture());
    }

    /** The tenant with this id; empty when there is none. */
    public Mono<TenantRecord> find(String tenantId) {
        return Mono.fromFuture(() -> cache.get(tenantId), true).flatMap(Mono::justOrEmpty);
    }

    /** Forgets the cached tenant, so the next read sees the store. */
    public void invalidate(String tenantId) {
        cache.synchronous().invalidate(tenantId);
    }
}
