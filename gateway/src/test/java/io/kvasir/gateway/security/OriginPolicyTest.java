package io.kvasir.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

/** RELIABILITY.md item 16: the Host and Origin checks of the admin surface. */
class OriginPolicyTest {

    private final OriginPolicy anyHost = new OriginPolicy(List.of(), List.of("https://console.example.com"));
    private final OriginPolicy pinned = new OriginPolicy(List.of("kvasir.example.com", "localhost"), List.of());

    @Test
    void unsafeRequestsFromOtherOriginsAreRefused() {
        assertThat(anyHost.originProblem(MockServerHttpRequest.post("http://localhost:8080/admin/api/tenants")
                .header("Origin", "http://evil.example").build())).isNotNull();
        assertThat(anyHost.originProblem(MockServerHttpRequest.delete("http://localhost:8080/admin/api/keys/k")
                .header("Origin", "http://localhost:8081").build())).isNotNull();
        assertThat(anyHost.originProblem(MockServerHttpRequest.post("http://localhost:8080/admin/api/tenants")
                .header("Origin", "null").build())).isNotNull();
        assertThat(anyHost.originProblem(MockServerHttpRequest.patch("http://localhost:8080/admin/api/tenants/a")
                .header("Sec-Fetch-Site", "cross-site").build())).isNotNull();
    }

    @Test
    void sameOriginAllowedOriginsSafeMethodsAndNonBrowserClientsPass() {
        assertThat(anyHost.originProblem(MockServerHttpRequest.post("http://localhost:8080/admin/api/tenants")
                .header("Origin", "http://LOCALHOST:8080").build())).isNull();
        assertThat(anyHost.originProblem(MockServerHttpRequest.post("https://kvasir.example.com/admin/api/tenants")
                .header("Origin", "https://kvasir.example.com:443").build())).isNull();
        assertThat(anyHost.originProblem(MockServerHttpRequest.post("http://localhost:8080/admin/api/tenants")
                .header("Origin", "https://console.example.com").build())).isNull();
        assertThat(anyHost.originProblem(MockServerHttpRequest.get("http://localhost:8080/admin/api/tenants")
                .header("Origin", "http://evil.example").build())).isNull();
        assertThat(anyHost.originProblem(MockServerHttpRequest.post("http://localhost:8080/admin/api/tenants").build()))
                .isNull();
    }

    @Test
    void configuredHostsAreTheOnlyOnesAccepted() {
        assertThat(pinned.hostProblem(MockServerHttpRequest.get("http://kvasir.example.com/admin").build())).isNull();
        assertThat(pinned.hostProblem(MockServerHttpRequest.get("http://localhost:8080/admin").build())).isNull();
        assertThat(pinned.hostProblem(MockServerHttpRequest.get("http://rebound.evil.example/admin").build())).isNotNull();
        assertThat(anyHost.hostProblem(MockServerHttpRequest.get("http://rebound.evil.example/admin").build())).isNull();
    }
}
