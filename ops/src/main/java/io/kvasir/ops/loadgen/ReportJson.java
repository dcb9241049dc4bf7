package io.kvasir.ops.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/** Writes the load generator's reports as JSON with snake-case field names ({@code ttft_ms.p99}). */
final class ReportJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

    private ReportJson() {
    }

    static String toJson(Object report) {
        return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report);
    }

    /** Writes {@code report} to {@code file}, creating its directory. */
    static void write(Object report, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Files.writeString(file, toJson(report) + System.lineSeparator());
    }
}
