package io.kvasir.gateway.ops;

import io.kvasir.gateway.testing.GatewayTestBase;
import io.kvasir.gateway.testing.ServeDefaultsGateway;
import io.kvasir.gateway.tenant.TenantService;
import io.kvasir.gateway.tenant.TenantSpec;
import io.kvasir.ops.loadgen.LoadgenAgainstServerContract;
import java.net.URI;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code ./kvasir loadgen} (the ops command line, run in this JVM) against the real gateway as {@code ./kvasir
 * serve} starts it: closed and open loops, two tenants, a wrong key, the prefix cache and the idle SSE probe, with
 * the demo tenant's key and a second tenant created in the store.
 */
@ServeDefaultsGateway
class LoadgenAgainstGatewayTest extends LoadgenAgainstServerContract {

    private static volatile String secondKey;

    @LocalServerPort
    int port;

    @Autowired
    TenantService tenants;

    @Override
    protected URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    protected String apiKey() {
        return GatewayTestBase.DEMO_KEY;
    }

    @Override
    protected synchronized String secondApiKey() {
        if (secondKey == null) {
            secondKey = tenants.create(new TenantSpec("loadgen-second", "Loadgen second", null, null, null), null,
                    "test").block(Duration.ofSeconds(30)).secret();
        }
        return secondKey;
    }
}
