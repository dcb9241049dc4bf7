package io.kvasir.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.gateway.engine.ModelCatalog;
import io.kvasir.gateway.testing.ServeDefaultsGateway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@ServeDefaultsGateway
class GatewayContextTest {

    @Autowired
    ModelCatalog catalog;

    @Test
    void servesTheEmbeddedModelWhenNoneIsConfigured() {
        assertThat(catalog.all()).hasSize(1);
        assertThat(catalog.find("kvasir-tiny-q8_0")).isPresent()
                .hasValueSatisfying(engine -> assertThat(engine.isHealthy()).isTrue());
        // The properties become the model's profile: the gateway schedules fairly between tenants by default.
        assertThat(catalog.deployment("kvasir-tiny-q8_0")).hasValueSatisfying(deployment -> {
            assertThat(deployment.profile().plugins().scheduling().name()).isEqualTo("vtc");
            assertThat(deployment.instances()).singleElement().satisfies(i -> assertThat(i.current()).isTrue());
        });
    }
}
