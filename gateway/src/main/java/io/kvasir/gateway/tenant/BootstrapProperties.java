package io.kvasir.gateway.tenant;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the first start creates ({@code kvasir.bootstrap.*}).
 *
 * @param adminName the admin user created at first start
 * @param adminPassword its password ({@code KVASIR_ADMIN_PASSWORD}); blank: generated and printed once
 * @param demoTenantId the id of the demo tenant created at first start
 * @param demoTenantKey the demo tenant's key ({@code KVASIR_DEMO_TENANT_KEY}, {@code kv-} and at least 32
 *        characters of {@code [A-Za-z0-9_-]}); blank: generated and printed once
 */
@ConfigurationProperties("kvasir.bootstrap")
public record BootstrapProperties(
        @DefaultValue("admin") String adminName,
        @DefaultValue("") String adminPassword,
        @DefaultValue("demo") String demoTenantId,
        @DefaultValue("") String demoTenantKey) {
}
