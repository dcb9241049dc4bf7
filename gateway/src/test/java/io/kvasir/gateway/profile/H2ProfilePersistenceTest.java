package io.kvasir.gateway.profile;

import java.nio.file.Path;
import java.util.List;

/** The profile store's restarts and races on the embedded H2 store, in a database file as in production. */
class H2ProfilePersistenceTest extends ProfilePersistenceScenario {

    @Override
    List<String> storeArgs(Path dir) {
        Path db = dir.resolve("db").resolve("kvasir").toAbsolutePath();
        return List.of("--spring.r2dbc.url=r2dbc:h2:file:///" + db, "--spring.flyway.url=jdbc:h2:file:" + db);
    }
}
