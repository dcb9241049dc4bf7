package io.kvasir.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.gateway.testing.GatewayTestBase;
import io.kvasir.gateway.testing.PostgresTestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

/**
 * The production store: the {@code postgres} profile against a real PostgreSQL (a container where Docker exists,
 * the local service otherwise), migrated by Flyway, serving the same flows as the embedded store.
 */
@ActiveProfiles("postgres")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PostgresStoreIntegrationTest extends GatewayTestBase {

    private static PostgresTestDatabase database;

    @Autowired
    UsageRepository usage;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        database = PostgresTestDatabase.create();
        database.register(registry);
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void flywayMigratedTheSchemaAndFirstStartFilledIt() throws Exception {
        try (Connection jdbc = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
                ResultSet rows = jdbc.createStatement().executeQuery(
                        "SELECT (SELECT COUNT(*) FROM admin_users), (SELECT COUNT(*) FROM tenants WHERE id = 'demo'),"
                                + " (SELECT COUNT(*) FROM flyway_schema_history WHERE version = '1' AND success),"
                                + " (SELECT COUNT(*) FROM flyway_schema_history WHERE NOT success)")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getLong(1)).isEqualTo(1);
            assertThat(rows.getLong(2)).isEqualTo(1);
            // Version 1 applied and no migration failed; later migrations (model profiles) may follow it.
            assertThat(rows.getLong(3)).isEqualTo(1);
            assertThat(rows.getLong(4)).isZero();
        }
    }

    @Test
    void keysAreIssuedCheckedRotatedAndRevokedOnPostgres() {
        WebTestClient http = newClient();
        Map<?, ?> created = createTenant(http, "{\"name\":\"Postgres Tenant\",\"prefix_group\":\"shared\"}");
        String key = secretOf(created);
        http.get().uri("/v1/usage").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.tenant_id").isEqualTo("postgres-tenant");
        http.get().uri("/v1/usage").header(HttpHeaders.AUTHORIZATION, "Bearer " + DEMO_KEY).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.tenant_id").isEqualTo("demo");
        asAdmin(http).post().uri("/admin/api/tenants/postgres-tenant/keys").exchange().expectStatus().isCreated();
        asAdmin(http).delete().uri("/admin/api/keys/{id}", ((Map<?, ?>) created.get("key")).get("id")).exchange()
                .expectStatus().isOk();
        http.get().uri("/v1/usage").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange()
                .expectStatus().isUnauthorized();
        asAdmin(http).get().uri("/admin/api/tenants/postgres-tenant").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.prefix_group").isEqualTo("shared")
                .jsonPath("$.keys.length()").isEqualTo(2)
                .jsonPath("$.keys[0].revoked_at").isNotEmpty()
                .jsonPath("$.keys[1].revoked_at").doesNotExist();
    }

    @Test
    void concurrentUsageIncrementsOfOneRowAllCount() {
        LocalDate day = LocalDate.of(2026, 1, 2);
        Flux.fromStream(IntStream.range(0, 40).boxed())
                .flatMap(i -> usage.add(new UsageRow("pg-usage", "m", day, 1, 10, 2)), 8)
                .blockLast(Duration.ofSeconds(60));
        UsageRow row = usage.findByTenant("pg-usage", day).blockFirst(Duration.ofSeconds(10));
        assertThat(row).isEqualTo(new UsageRow("pg-usage", "m", day, 40, 400, 80));
    }
}
