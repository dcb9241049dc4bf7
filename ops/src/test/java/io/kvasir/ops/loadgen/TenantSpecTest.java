package io.kvasir.ops.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TenantSpecTest {

    @Test
    void parsesRatesAndUsers() {
        assertThat(TenantSpec.parse("acme:sk-1:2.5", "--tenant"))
                .isEqualTo(new TenantSpec("acme", "sk-1", new TenantSpec.Rate(2.5)));
        assertThat(TenantSpec.parse("acme:sk-1:rate=0.5", "--tenant").load()).isEqualTo(new TenantSpec.Rate(0.5));
        assertThat(TenantSpec.parse("flood:sk-2:users=16", "--tenant"))
                .isEqualTo(new TenantSpec("flood", "sk-2", new TenantSpec.Users(16)));
        assertThat(TenantSpec.parse("open::users=1", "--tenant").apiKey()).isEmpty();
    }

    @Test
    void rejectsMalformedSpecsNamingTheOption() {
        for (String bad : new String[] {"acme", "acme:key", "a:b:c:d", ":key:1", "acme:key:0", "acme:key:-1", "acme:key:users=0",
                "acme:key:fast", "acme:key:Infinity", "acme:key:users=x"}) {
            assertThatThrownBy(() -> TenantSpec.parse(bad, "--tenant")).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--tenant '" + bad + "'");
        }
    }

    @Test
    void printingATenantNeverShowsItsKey() {
        TenantSpec tenant = TenantSpec.parse("acme:sk-secret:users=4", "--tenant");
        assertThat(tenant.toString()).isEqualTo("acme:***:users=4").doesNotContain("secret");
    }
}
