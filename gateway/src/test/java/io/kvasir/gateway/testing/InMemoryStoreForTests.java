package io.kvasir.gateway.testing;

import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Gives every application context started by the gateway's tests its own in-memory H2 store instead of the
 * file under {@code $KVASIR_HOME}, so tests neither touch the user's data nor see each other's tenants.
 * Tests that want another store activate the {@code postgres} profile, or set {@value #FILE_STORE} to use the
 * default file store under {@code kvasir.home} as configured in {@code application.yml}.
 */
public class InMemoryStoreForTests implements EnvironmentPostProcessor, Ordered {

    /** Set to true to keep the default file store. */
    public static final String FILE_STORE = "kvasir.test.file-store";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (Arrays.asList(environment.getActiveProfiles()).contains("postgres")
                || environment.getProperty(FILE_STORE, Boolean.class, false)) {
            return;
        }
        String name = "kvasir_" + UUID.randomUUID().toString().replace('-', '_');
        PropertySource<?> store = new MapPropertySource("kvasirTestStore", Map.of(
                "spring.r2dbc.url", "r2dbc:h2:mem:///" + name + "?options=DB_CLOSE_DELAY=-1",
                "spring.flyway.url", "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1",
                "kvasir.admin.password-iterations", "1000"));
        var sources = environment.getPropertySources();
        String firstConfig = sources.stream().map(PropertySource::getName)
                .filter(n -> n.startsWith("Config resource")).findFirst().orElse(null);
        if (firstConfig == null) {
            sources.addLast(store);
        } else {
            sources.addBefore(firstConfig, store);
        }
    }

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 1;
    }
}
