package io.kvasir.gateway.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Runs a test class against the gateway as {@code ./kvasir serve} starts it without options: the embedded default
 * model only, with its default settings, on an in-memory store whose first start took the demo key
 * ({@link GatewayTestBase#DEMO_KEY}) and the admin password from the environment. Every class with this annotation
 * shares one Spring context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "kvasir.bootstrap.admin-password=" + GatewayTestBase.ADMIN_PASSWORD,
        "kvasir.bootstrap.demo-tenant-key=" + GatewayTestBase.DEMO_KEY})
public @interface ServeDefaultsGateway {
}
