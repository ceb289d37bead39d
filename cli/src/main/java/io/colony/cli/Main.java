package io.colony.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code colony} command. Exit status: 0 ok, 1 error (or a FAILED process), 2 usage error, 3 timed out waiting. */
@Command(name = "colony", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = Main.Version.class,
        description = {"Colony: run function specs on a colony of peer nodes.", "",
                "Quick start: 'colony dev' in one terminal, then in another paste its export lines and run",
                "  colony process submit --spec sayhello.json --wait", "",
                "Ids: a unique prefix of at least 6 hex characters names a process, workflow, cron, generator or member."},
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:done", "1:failed: an error, or a FAILED process or workflow", "2:usage error",
                "3:timed out waiting (it goes on)"})
public final class Main implements Runnable {

    /**
     * The top-level commands, in help order. Only the one invoked is registered (building picocli's
     * model of every command costs about a quarter of a node's start-up); all are for help, for no
     * command and for an unknown one.
     */
    private static final Map<String, Class<?>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("dev", DevCommand.class);
        COMMANDS.put("process", ProcessCommand.class);
        COMMANDS.put("workflow", WorkflowCommand.class);
        COMMANDS.put("cron", TriggerCommands.Cron.class);
        COMMANDS.put("generator", TriggerCommands.Generator.class);
        COMMANDS.put("log", LogCommand.class);
        COMMANDS.put("key", KeyCommand.class);
        COMMANDS.put("node", NodeCommand.class);
        COMMANDS.put("member", MemberCommand.class);
        COMMANDS.put("executor", ExecutorCommand.class);
        COMMANDS.put("bootstrap", BootstrapCommand.class);
        COMMANDS.put("bench", BenchCommand.class);
        COMMANDS.put("chaos", io.colony.cli.chaos.ChaosCommand.class);
        COMMANDS.put("api", ApiCommand.class);
    }

    /** System property holding the wall-clock ms at which {@link #main} started (the node logs its start-up time from it). */
    public static final String MAIN_MS_PROPERTY = "colony.main.ms";
    /** Exit status of usage errors. */
    public static final int EXIT_USAGE = 2;
    /** Exit status of other errors (a failed operation, a FAILED process). */
    public static final int EXIT_ERROR = 1;
    /** Exit status of a wait that timed out (the process or workflow goes on). */
    public static final int EXIT_TIMEOUT = 3;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required");
    }

    /** Runs the command line and exits with its status (as {@link Colony#main}, the jar's entry point). */
    public static void main(String[] args) {
        Colony.main(args);
    }

    /** Runs the command line with the given streams and returns the exit status (for tests and embedding). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        int quick = QuickRead.run(out, err, System.getenv(), args);
        if (quick >= 0) {
            return quick;
        }
        return withPicocli(out, err, args);
    }

    /** {@link #run} without {@link QuickRead}: every command line goes through picocli. */
    static int withPicocli(PrintWriter out, PrintWriter err, String... args) {
        Class<?> only = args.length > 0 ? COMMANDS.get(args[0]) : null;
        CommandLine cmd;
        if (only != null) {
            cmd = new CommandLine(new Main());
            CommandLine group = args.length > 1 ? groupWithOnly(args[0], only, args[1]) : null;
            if (group != null) {
                cmd.addSubcommand(args[0], group);
            } else {
                cmd.addSubcommand(args[0], only);
            }
        } else {
            cmd = allCommands();
        }
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setParameterExceptionHandler((ex, argv) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("colony: " + ex.getMessage() + " (see '" + c.getCommandSpec().qualifiedName()
                    + " --help')");
            c.getErr().flush();
            return EXIT_USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println("colony: " + Colony.message(ex));
            c.getErr().flush();
            return ex instanceof TimedOutException ? EXIT_TIMEOUT : EXIT_ERROR;
        });
        int status = cmd.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    /**
     * The command group {@code only} (e.g. {@code process}) with just its subcommand {@code sub} (e.g.
     * {@code ps}) registered, or null if {@code sub} names none of its subcommands (then the whole group
     * is built, e.g. for {@code colony process --help}). Picocli builds a group's every subcommand from
     * its annotations, which took most of a short command's start-up (about 0.45 s for {@code process});
     * one command is parsed and run the same way either way.
     */
    private static CommandLine groupWithOnly(String name, Class<?> only, String sub) {
        Command group = only.getAnnotation(Command.class);
        if (group == null) {
            return null;
        }
        for (Class<?> c : group.subcommands()) {
            Command sc = c.getAnnotation(Command.class);
            if (sc != null && (sc.name().equals(sub) || java.util.Arrays.asList(sc.aliases()).contains(sub))) {
                CommandSpec spec = CommandSpec.wrapWithoutInspection(only);
                spec.name(name);
                spec.mixinStandardHelpOptions(group.mixinStandardHelpOptions());
                spec.addSubcommand(sub, new CommandLine(c));
                return new CommandLine(spec);
            }
        }
        return null;
    }

    /** The {@code colony} command with every command registered (help, docs, tests). */
    static CommandLine allCommands() {
        CommandLine cmd = new CommandLine(new Main());
        COMMANDS.forEach(cmd::addSubcommand);
        cmd.addSubcommand("help", new CommandLine.HelpCommand());
        return cmd;
    }

    /** The version from the jar manifest ("dev" when run from classes). */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"colony " + (v == null ? "dev" : v)};
        }
    }
}
