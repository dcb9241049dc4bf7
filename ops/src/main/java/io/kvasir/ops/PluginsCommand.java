package io.kvasir.ops;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.kvasir.api.plugin.ConfigField;
import io.kvasir.api.plugin.PluginKind;
import io.kvasir.engine.plugin.PluginRegistry;
import io.kvasir.engine.plugin.PluginStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Lists the installed strategy providers per kind, with their status and configuration fields. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List the installed KV-cache strategy plugins per kind, their status and config fields.")
final class PluginsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PluginRegistry registry = PluginRegistry.load();
        for (PluginKind kind : PluginKind.values()) {
            out.println(kind.id() + ":");
            for (PluginStatus status : registry.statuses(kind)) {
                out.printf("  %-14s %-6s %s%n", status.name(), status.state(), status.description());
                if (status.failure() != null) {
                    out.printf("  %-14s        reason: %s%n", "", status.failure());
                }
                for (ConfigField field : status.schema().fields()) {
                    out.printf("  %-14s        --%s (%s, default %s%s%s) %s%n", "", field.name(),
                            field.type().name().toLowerCase(java.util.Locale.ROOT), field.defaultValue(),
                            range(field), field.unit().isEmpty() ? "" : ", " + field.unit(), field.help());
                }
            }
        }
        return 0;
    }

    private static String range(ConfigField field) {
        if (!field.allowedValues().isEmpty()) {
            return ", one of " + String.join("|", field.allowedValues());
        }
        if (field.min() == null && field.max() == null) {
            return "";
        }
        return ", " + num(field.min()) + ".." + num(field.max());
    }

    private static String num(Double d) {
        return d == null ? "" : d == Math.rint(d) ? String.valueOf(d.longValue()) : String.valueOf(d);
    }
}
