package io.kvasir.ops;

import java.io.PrintWriter;

import io.kvasir.ops.loadgen.LoadgenCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ./kvasir} command line: generate, inspect, synth, bench, plugins, jmh, eval-strategies, loadgen.
 *
 * <p>Errors the user can fix (a missing or malformed model file, a bad option value, a prompt longer than
 * the context) print one line naming the problem and exit with status 2; nothing prints a stack trace
 * unless {@code KVASIR_DEBUG=1}.
 */
@Command(name = "kvasir", mixinStandardHelpOptions = true, versionProvider = KvasirCli.Version.class,
        description = "Kvasir: LLM serving on the JVM with a pluggable, paged KV cache.",
        subcommands = {GenerateCommand.class, InspectCommand.class, SynthCommand.class, BenchCommand.class, PluginsCommand.class, JmhCommand.class,
                EvalStrategiesCommand.class, LoadgenCommand.class,
                CommandLine.HelpCommand.class})
public final class KvasirCli {

    /** Exit status for errors in the user's input. */
    public static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given output streams; returns the exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new KvasirCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExitCodeExceptionMapper(e -> EXIT_USAGE);
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("kvasir: " + e.getMessage());
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            err.println("kvasir: " + UserErrors.describe(e));
            if ("1".equals(System.getenv("KVASIR_DEBUG"))) {
                e.printStackTrace(err);
            }
            return EXIT_USAGE;
        });
        return cli.execute(args);
    }

    /** Version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = KvasirCli.class.getPackage().getImplementationVersion();
            return new String[] {"kvasir " + (version == null ? "dev" : version)};
        }
    }
}
