package io.kvasir.gateway.testing;

import io.kvasir.gateway.admission.Admission;
import io.kvasir.gateway.tenant.Tenant;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/**
 * Test scope only: stands in for the tenant module until it is merged. Every request is the tenant
 * {@link #TENANT}, and admission admits everything while counting the permits it holds (so tests can check that
 * each one is released).
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestTenancy {

    /** The tenant every test request belongs to. */
    public static final Tenant TENANT = new Tenant("test-tenant", "Test tenant", 1.0, null);

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 10)
    WebFilter testTenantFilter() {
        return (exchange, chain) -> {
            exchange.getAttributes().put(Tenant.ATTRIBUTE, TENANT);
            return chain.filter(exchange);
        };
    }

    @Bean
    CountingAdmission testAdmission() {
        return new CountingAdmission();
    }

    /** Admits every request; counts the permits not yet released. */
    public static final class CountingAdmission implements Admission {

        private final AtomicInteger numHeld = new AtomicInteger();

        @Override
        public Mono<Permit> admit(Tenant tenant, String model, int promptTokens, int maxTokens) {
            return Mono.fromSupplier(() -> {
                numHeld.incrementAndGet();
                return new Permit() {
                    private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

                    @Override
                    public void release() {
                        if (released.compareAndSet(false, true)) {
                            numHeld.decrementAndGet();
                        }
                    }
                };
            });
        }

        /** Permits handed out and not released. */
        public int numHeld() {
            return numHeld.get();
        }
    }
}
