package io.kvasir.gateway.security;

import io.kvasir.gateway.store.TenantRecord;

/**
 * A request authenticated by a tenant API key, kept in the exchange under {@link #ATTRIBUTE} (next to the
 * {@link io.kvasir.gateway.tenant.Tenant} the handlers read).
 *
 * @param keyId the key's id
 * @param tenant the tenant, enabled, as stored
 */
public record AuthenticatedKey(String keyId, TenantRecord tenant) {

    /** The exchange attribute holding the request's {@link AuthenticatedKey}. */
    public static final String ATTRIBUTE = AuthenticatedKey.class.getName();
}
