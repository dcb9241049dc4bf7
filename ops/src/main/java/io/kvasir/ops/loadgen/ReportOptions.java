package io.kvasir.ops.loadgen;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import picocli.CommandLine.Option;

/** Where a report goes: a table or JSON on standard output, and optionally a JSON file. */
final class ReportOptions {

    @Option(names = "--json-out", paramLabel = "FILE", description = "Also write the report as JSON to FILE.")
    @Nullable Path jsonOut;

    @Option(names = "--json", description = "Print the report as JSON instead of a table.")
    boolean json;

    /** Prints {@code report} with {@code table} (or as JSON) and writes the JSON file if one was asked for. */
    void emit(PrintWriter out, Object report, Consumer<PrintWriter> table) throws IOException {
        if (json) {
            out.println(ReportJson.toJson(report));
        } else {
            table.accept(out);
        }
        if (jsonOut != null) {
            ReportJson.write(report, jsonOut);
            if (!json) {
                out.println("report written to " + jsonOut);
            }
        }
        out.flush();
    }
}
