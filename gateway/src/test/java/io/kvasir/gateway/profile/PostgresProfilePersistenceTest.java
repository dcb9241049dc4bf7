package io.kvasir.gateway.profile;

import io.kvasir.gateway.testsupport.PostgresForTests;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The profile store's restarts and races on PostgreSQL (a container where Docker exists, the local service
 * otherwise; never skipped under {@code CI=true}).
 */
class PostgresProfilePersistenceTest extends ProfilePersistenceScenario {

    private static PostgresForTests postgres;

    @BeforeAll
    static void database() {
        postgres = PostgresForTests.start();
    }

    @AfterAll
    static void drop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    List<String> storeArgs(Path dir) {
        return List.of(postgres.springArgs());
    }
}
