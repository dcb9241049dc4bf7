package io.kvasir.gateway.tenant;

import io.kvasir.gateway.engine.ModelCatalog;
import io.kvasir.gateway.engine.ModelEngine;
import io.kvasir.gateway.security.AdminAuthenticator;
import io.kvasir.gateway.security.ApiKeys;
import io.kvasir.gateway.security.RandomTokens;
import io.kvasir.gateway.store.AdminUserRecord;
import io.kvasir.gateway.store.AdminUserRepository;
import io.kvasir.gateway.store.ApiKeyRepository;
import io.kvasir.gateway.store.AuditLogRepository;
import io.kvasir.gateway.store.TenantRepository;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * First start: when the store has no admin user yet, creates the admin credential and a demo tenant with one
 * key, in one transaction, before the server accepts requests. Each secret comes from the environment
 * ({@code KVASIR_ADMIN_PASSWORD}, {@code KVASIR_DEMO_TENANT_KEY}) or is generated and printed once, framed,
 * to the log. Later starts create nothing; an environment value that no longer matches what is stored is
 * reported, not applied.
 *
 * <p>Several replicas starting on one empty database: one transaction wins, the others see the duplicate and
 * carry on with what it created.
 */
@Component
public class FirstStartBootstrap implements SmartInitializingSingleton {

    /** The actor the audit log names for changes Kvasir makes itself. */
    public static final String SYSTEM_ACTOR = "kvasir";

    private static final Logger log = LoggerFactory.getLogger(FirstStartBootstrap.class);

    private final BootstrapProperties properties;
    private final AdminUserRepository admins;
    private final TenantRepository tenants;
    private final ApiKeyRepository keys;
    private final AuditLogRepository audit;
    private final TenantService tenantService;
    private final AdminAuthenticator adminAuthenticator;
    private final TransactionalOperator tx;
    private final ModelCatalog models;
    private final int port;

    public FirstStartBootstrap(BootstrapProperties properties, AdminUserRepository admins, TenantRepository tenants,
            ApiKeyRepository keys, AuditLogRepository audit, TenantService tenantService,
            AdminAuthenticator adminAuthenticator, ReactiveTransactionManager transactions, ModelCatalog models,
            @Value("${server.port:8080}") int port) {
        this.properties = properties;
        this.admins = admins;
        this.tenants = tenants;
        this.keys = keys;
        this.audit = audit;
        this.tenantService = tenantService;
        this.adminAuthenticator = adminAuthenticator;
        this.tx = TransactionalOperator.create(transactions);
        this.models = models;
        this.port = port;
    }

    @Override
    public void afterSingletonsInstantiated() {
        run().block(Duration.ofMinutes(2));
    }

    /** Creates the admin and demo tenant if this is the first start; reports on the environment otherwise. */
    Mono<Void> run() {
        return admins.count().flatMap(numAdmins -> numAdmins == 0 ? firstStart() : checkEnvironment());
    }

    private Mono<Void> firstStart() {
        boolean passwordGiven = !properties.adminPassword().isEmpty();
        boolean keyGiven = !properties.demoTenantKey().isEmpty();
        if (keyGiven && !ApiKeys.wellFormed(properties.demoTenantKey())) {
            return Mono.error(new IllegalStateException("KVASIR_DEMO_TENANT_KEY must be 'kv-' followed by 32 to 128"
                    + " characters of [A-Za-z0-9_-]; generate one with: echo kv-$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '=')"));
        }
        String password = passwordGiven ? properties.adminPassword() : RandomTokens.base62(24);
        String demoKey = keyGiven ? properties.demoTenantKey() : ApiKeys.generate();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        AdminUserRecord admin = new AdminUserRecord(properties.adminName(),
                adminAuthenticator.hasher().hash(password), now, now);
        TenantSpec demo = new TenantSpec(properties.demoTenantId(), "Demo tenant", 1.0, null, null);
        return admins.insert(admin)
                .then(audit.append(SYSTEM_ACTOR, now, "admin.create", "admin:" + admin.name(), null,
                        "{\"name\":\"" + admin.name() + "\"}"))
                .then(tenants.findById(demo.id()).hasElement())
                .flatMap(demoExists -> demoExists ? Mono.just(false)
                        : tenantService.create(demo, demoKey, SYSTEM_ACTOR).thenReturn(true))
                .as(tx::transactional)
                .doOnNext(demoCreated -> announce(password, passwordGiven, demoCreated ? demoKey : null, keyGiven))
                .onErrorResume(DuplicateKeyException.class, raced -> {
                    log.info("Another Kvasir instance completed the first start on this database; using its admin and tenants.");
                    return Mono.empty();
                })
                .then();
    }

    private void announce(String password, boolean passwordGiven, @Nullable String demoKey, boolean keyGiven) {
        StringBuilder out = new StringBuilder();
        String rule = "=".repeat(78);
        out.append("\n").append(rule).append("\n");
        out.append(" Kvasir first start: created the admin user and a demo tenant.\n");
        if (!passwordGiven || (demoKey != null && !keyGiven)) {
            out.append(" The secrets below are shown ONCE; Kvasir stores only their hashes.\n");
        }
        out.append("\n   admin user:      ").append(properties.adminName()).append("\n");
        out.append("   admin password:  ").append(passwordGiven ? "(from KVASIR_ADMIN_PASSWORD)" : password).append("\n");
        if (demoKey != null) {
            out.append("   demo tenant:     ").append(properties.demoTenantId()).append("\n");
            out.append("   demo API key:    ").append(keyGiven ? "(from KVASIR_DEMO_TENANT_KEY)" : demoKey).append("\n");
            String model = models.all().stream().map(ModelEngine::name).sorted().findFirst().orElse("MODEL");
            // double quotes, so a shell expands $KVASIR_DEMO_TENANT_KEY when the command is pasted
            out.append("\n Try it:  curl -N http://localhost:").append(port > 0 ? Integer.toString(port) : "PORT")
                    .append("/v1/chat/completions -H \"Authorization: Bearer ")
                    .append(keyGiven ? "$KVASIR_DEMO_TENANT_KEY" : demoKey).append("\" \\\n")
                    .append("            -H 'Content-Type: application/json' \\\n")
                    .append("            -d '{\"model\":\"").append(model).append("\",\"stream\":true,\"max_tokens\":40,")
                    .append("\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}'\n");
        }
        out.append(rule);
        log.info(out.toString());
    }

    private Mono<Void> checkEnvironment() {
        Mono<Void> password = properties.adminPassword().isEmpty() ? Mono.empty()
                : adminAuthenticator.authenticate(properties.adminName(), properties.adminPassword()).hasElement()
                        .doOnNext(matches -> {
                            if (!matches) {
                                log.warn("KVASIR_ADMIN_PASSWORD does not match the stored password of admin '{}'; it"
                                        + " applies at first start only, so the stored password stays.", properties.adminName());
                            }
                        }).then();
        Mono<Void> key = properties.demoTenantKey().isEmpty() ? Mono.empty()
                : keys.findByHash(ApiKeys.hash(properties.demoTenantKey())).filter(k -> k.active()).hasElement()
                        .doOnNext(active -> {
                            if (!active) {
                                log.warn("KVASIR_DEMO_TENANT_KEY is not an active key of this store; it applies at"
                                        + " first start only.");
                            }
                        }).then();
        return password.then(key);
    }
}
