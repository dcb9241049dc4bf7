package io.kvasir.gateway.admin;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.kvasir.gateway.api.ApiException;
import io.kvasir.gateway.security.AdminPrincipal;
import io.kvasir.gateway.store.AuditEntry;
import io.kvasir.gateway.store.AuditLogRepository;
import io.kvasir.gateway.tenant.IssuedKey;
import io.kvasir.gateway.tenant.KeyView;
import io.kvasir.gateway.tenant.TenantChange;
import io.kvasir.gateway.tenant.TenantService;
import io.kvasir.gateway.tenant.TenantSpec;
import io.kvasir.gateway.tenant.TenantView;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The admin API for tenants and keys under {@code /admin/api} (admin credentials required, see
 * {@link io.kvasir.gateway.security.AdminAuthFilter}). A key's secret appears only in the response that issues
 * it. Every change is audited with the admin's name.
 */
@RestController
@RequestMapping("/admin/api")
public class TenantAdminController {

    private final TenantService tenants;
    private final AuditLogRepository audit;

    public TenantAdminController(TenantService tenants, AuditLogRepository audit) {
        this.tenants = tenants;
        this.audit = audit;
    }

    /** Every tenant with its keys (prefixes only). */
    @GetMapping("/tenants")
    public Mono<ListOf<TenantView>> list() {
        return tenants.list().collectList().map(ListOf::new);
    }

    @GetMapping("/tenants/{id}")
    public Mono<TenantView> get(@PathVariable String id) {
        return tenants.get(id);
    }

    /** Creates a tenant and its first key; the key's secret is in this response only. */
    @PostMapping("/tenants")
    @ResponseStatus(HttpStatus.CREATED)
    public Mono<CreatedTenant> create(@RequestBody(required = false) @Nullable TenantSpec spec, ServerWebExchange exchange) {
        if (spec == null) {
            return Mono.error(ApiException.invalidRequest(null, "A JSON body with at least 'name' is required."));
        }
        return tenants.create(spec, null, actor(exchange))
                .flatMap(issued -> tenants.get(issued.tenant().id()).map(view -> new CreatedTenant(view, NewKey.of(issued))));
    }

    /** Changes a tenant's name, weight, prefix group, limits or disabled flag; 409 on a stale {@code version}. */
    @PatchMapping("/tenants/{id}")
    public Mono<TenantView> update(@PathVariable String id, @RequestBody TenantChange change, ServerWebExchange exchange) {
        return tenants.update(id, change, actor(exchange));
    }

    /** Issues the tenant another key (rotation); {@code revoke_existing} revokes its other keys at once. */
    @PostMapping("/tenants/{id}/keys")
    @ResponseStatus(HttpStatus.CREATED)
    public Mono<NewKey> rotate(@PathVariable String id, @RequestBody(required = false) @Nullable Rotation rotation,
            ServerWebExchange exchange) {
        boolean revokeExisting = rotation != null && Boolean.TRUE.equals(rotation.revokeExisting());
        return tenants.issueKey(id, revokeExisting, actor(exchange)).map(NewKey::of);
    }

    /** Revokes a key: refused from the next request on. */
    @DeleteMapping("/keys/{id}")
    public Mono<KeyView> revoke(@PathVariable String id, ServerWebExchange exchange) {
        return tenants.revokeKey(id, actor(exchange));
    }

    /** The newest audit records, newest first ({@code limit} 1 to 1000, default 100). */
    @GetMapping("/audit")
    public Mono<ListOf<AuditRecord>> audit(@RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > 1000) {
            return Mono.error(ApiException.invalidRequest("limit", "'limit' must be between 1 and 1000."));
        }
        return audit.recent(limit).map(AuditRecord::of).collectList().map(ListOf::new);
    }

    private static String actor(ServerWebExchange exchange) {
        AdminPrincipal admin = exchange.getAttribute(AdminPrincipal.ATTRIBUTE);
        if (admin == null) {
            // The admin filter admits nothing under /admin without a principal; reaching here means it was bypassed.
            throw new IllegalStateException("admin request without an authenticated admin");
        }
        return admin.name();
    }

    /** A list response. */
    public record ListOf<T>(String object, List<T> data) {
        ListOf(List<T> data) {
            this("list", data);
        }
    }

    /** A created tenant with its first key. */
    public record CreatedTenant(TenantView tenant, NewKey key) {
    }

    /** A key just issued, with its secret (shown once). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record NewKey(String id, String tenantId, String prefix, Instant createdAt, String secret) {
        static NewKey of(IssuedKey issued) {
            return new NewKey(issued.key().id(), issued.tenant().id(), issued.key().keyPrefix(),
                    issued.key().createdAt(), issued.secret());
        }
    }

    /** The body of a rotation. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Rotation(@Nullable Boolean revokeExisting) {
    }

    /** An audit record as the API shows it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record AuditRecord(long id, String actor, Instant occurredAt, String action, String target,
            @JsonRawValue @Nullable String before, @JsonRawValue @Nullable String after) {
        static AuditRecord of(AuditEntry entry) {
            return new AuditRecord(entry.id(), entry.actor(), entry.occurredAt(), entry.action(), entry.target(),
                    entry.beforeJson(), entry.afterJson());
        }
    }
}
