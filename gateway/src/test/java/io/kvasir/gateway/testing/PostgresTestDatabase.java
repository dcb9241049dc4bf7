package io.kvasir.gateway.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A fresh PostgreSQL database for one test class: a Testcontainers container where Docker exists, otherwise a new
 * database {@code kvasir_test_<random>} on the local service at 127.0.0.1:5432 (user {@code postgres}, trust
 * authentication), dropped by {@link #close()}. With neither, the tests are skipped, except under {@code CI=true},
 * where that is an error: CI never skips the PostgreSQL tests.
 */
public final class PostgresTestDatabase implements AutoCloseable {

    private static final String LOCAL_HOST = "127.0.0.1";
    private static final int LOCAL_PORT = 5432;
    private static final String LOCAL_USER = "postgres";

    private final @Nullable PostgreSQLContainer container;
    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;

    private PostgresTestDatabase(@Nullable PostgreSQLContainer container, String host, int port, String database,
            String user, String password) {
        this.container = container;
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
    }

    /** Starts a container or creates a database on the local service. */
    public static PostgresTestDatabase create() {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:16-alpine");
            container.start();
            return new PostgresTestDatabase(container, container.getHost(), container.getMappedPort(5432),
                    container.getDatabaseName(), container.getUsername(), container.getPassword());
        }
        String name = "kvasir_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        try (Connection admin = localAdminConnection(); Statement sql = admin.createStatement()) {
            sql.execute("CREATE DATABASE " + name);
        } catch (SQLException unavailable) {
            String reason = "Neither Docker nor PostgreSQL at " + LOCAL_HOST + ":" + LOCAL_PORT + " (user " + LOCAL_USER
                    + ", trust authentication) is available: " + unavailable.getMessage();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(reason + ". CI must run the PostgreSQL tests; start the service.", unavailable);
            }
            Assumptions.abort(reason);
        }
        return new PostgresTestDatabase(null, LOCAL_HOST, LOCAL_PORT, name, LOCAL_USER, "");
    }

    /** Points the {@code postgres} profile's {@code KVASIR_DB_*} settings at this database. */
    public void register(DynamicPropertyRegistry registry) {
        registry.add("KVASIR_DB_HOST", () -> host);
        registry.add("KVASIR_DB_PORT", () -> Integer.toString(port));
        registry.add("KVASIR_DB_NAME", () -> database);
        registry.add("KVASIR_DB_USER", () -> user);
        registry.add("KVASIR_DB_PASSWORD", () -> password);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** Stops the container, or drops the database (closing connections still open to it). */
    @Override
    public void close() throws SQLException {
        if (container != null) {
            container.stop();
            return;
        }
        try (Connection admin = localAdminConnection(); Statement sql = admin.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private static Connection localAdminConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + LOCAL_HOST + ":" + LOCAL_PORT + "/postgres", LOCAL_USER, "");
    }
}
