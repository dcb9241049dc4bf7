package io.kvasir.gateway.profile;

import io.kvasir.gateway.testing.PostgresTestDatabase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The profile store's restarts and races on PostgreSQL (a container where Docker exists, the local service
 * otherwise; never skipped under {@code CI=true}).
 */
class PostgresProfilePersistenceTest extends ProfilePersistenceScenario {

    private static PostgresTestDatabase postgres;

    @BeforeAll
    static void database() {
        postgres = PostgresTestDatabase.create();
    }

    @AfterAll
    static void drop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    List<String> storeArgs(Path dir) {
        String jdbc = postgres.jdbcUrl();
        return List.of("--spring.r2dbc.url=r2dbc:" + jdbc.substring("jdbc:".length()),
                "--spring.r2dbc.username=" + postgres.user(), "--spring.r2dbc.password=" + postgres.password(),
                "--spring.flyway.url=" + jdbc, "--spring.flyway.user=" + postgres.user(),
                "--spring.flyway.password=" + postgres.password());
    }
}
