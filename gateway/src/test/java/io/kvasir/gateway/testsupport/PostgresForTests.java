package io.kvasir.gateway.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A fresh PostgreSQL database for one test class: in a Testcontainers container where Docker exists, otherwise a
 * new database on the local service at 127.0.0.1:5432 (user {@code postgres}, trust authentication), dropped on
 * {@link #close()}. With neither, the test is skipped on a developer machine and fails under {@code CI=true}, so
 * CI never passes without having run it.
 */
public final class PostgresForTests implements AutoCloseable {

    private static final String LOCAL_HOST = "127.0.0.1";
    private static final int LOCAL_PORT = 5432;
    private static final String LOCAL_ADMIN_URL = "jdbc:postgresql://" + LOCAL_HOST + ":" + LOCAL_PORT + "/postgres";
    private static final String LOCAL_USER = "postgres";

    private final @Nullable PostgreSQLContainer container;
    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;

    private PostgresForTests(@Nullable PostgreSQLContainer container, String host, int port, String database, String user,
            String password) {
        this.container = container;
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
    }

    /** Starts a container or creates a local database; skips (or fails under CI) when neither is possible. */
    public static PostgresForTests start() {
        if (dockerLikely() && DockerClientFactory.instance().isDockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:16-alpine");
            container.start();
            return new PostgresForTests(container, container.getHost(), container.getMappedPort(5432),
                    container.getDatabaseName(), container.getUsername(), container.getPassword());
        }
        String database = "kvasir_test_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection admin = DriverManager.getConnection(LOCAL_ADMIN_URL + "?connectTimeout=5", LOCAL_USER, "");
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            String why = "no Docker and no PostgreSQL at " + LOCAL_HOST + ":" + LOCAL_PORT + " (" + e.getMessage() + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("PostgreSQL tests must run under CI: " + why, e);
            }
            Assumptions.abort("PostgreSQL tests skipped: " + why);
        }
        return new PostgresForTests(null, LOCAL_HOST, LOCAL_PORT, database, LOCAL_USER, "");
    }

    private static boolean dockerLikely() {
        return System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
    }

    public String r2dbcUrl() {
        return "r2dbc:postgresql://" + host + ":" + port + "/" + database;
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

    /** Spring properties pointing the gateway's store (R2DBC and Flyway) at this database, as command-line args. */
    public String[] springArgs() {
        return new String[] {"--spring.r2dbc.url=" + r2dbcUrl(), "--spring.r2dbc.username=" + user,
                "--spring.r2dbc.password=" + password, "--spring.flyway.url=" + jdbcUrl(), "--spring.flyway.user=" + user,
                "--spring.flyway.password=" + password};
    }

    @Override
    public void close() throws SQLException {
        if (container != null) {
            container.stop();
            return;
        }
        try (Connection admin = DriverManager.getConnection(LOCAL_ADMIN_URL, LOCAL_USER, "");
                Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }
}
