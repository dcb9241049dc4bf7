package io.kvasir.gateway.store;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;

/** Column conversions both drivers (H2, PostgreSQL) agree on: times as UTC {@code OffsetDateTime}. */
final class Columns {

    private Columns() {
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(Readable row, String column) {
        return Objects.requireNonNull(nullableInstant(row, column), column);
    }

    static @Nullable Instant nullableInstant(Readable row, String column) {
        OffsetDateTime value = row.get(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static String string(Readable row, String column) {
        return Objects.requireNonNull(row.get(column, String.class), column);
    }

    static long longValue(Readable row, String column) {
        Number value = row.get(column, Number.class);
        return Objects.requireNonNull(value, column).longValue();
    }

    /** Binds a value that may be null, typing the null so every driver accepts it. */
    static <T> GenericExecuteSpec bind(GenericExecuteSpec spec, String name, @Nullable T value, Class<T> type) {
        return value == null ? spec.bindNull(name, type) : spec.bind(name, value);
    }

    static GenericExecuteSpec bindTime(GenericExecuteSpec spec, String name, @Nullable Instant value) {
        return value == null ? spec.bindNull(name, OffsetDateTime.class) : spec.bind(name, utc(value));
    }
}
