package io.kvasir.gateway.tenant;

import io.kvasir.gateway.store.ApiKeyRecord;
import io.kvasir.gateway.store.TenantRecord;

/**
 * A key just issued: the only time its secret exists outside the client.
 *
 * @param tenant its tenant
 * @param key the stored key
 * @param secret the key itself ({@code kv-...}), to be shown once
 */
public record IssuedKey(TenantRecord tenant, ApiKeyRecord key, String secret) {

    @Override
    public String toString() {
        return "IssuedKey[tenant=" + tenant.id() + ", key=" + key.id() + ", secret=" + key.keyPrefix() + "...]";
    }
}
