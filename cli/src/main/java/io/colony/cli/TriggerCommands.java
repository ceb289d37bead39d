package io.colony.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.InvalidInputException;
import io.colony.protocol.SpecCodec;
import io.colony.protocol.TriggerView;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code colony cron ...} and {@code colony generator ...}: what submits processes on its own. */
final class TriggerCommands {

    private TriggerCommands() {
    }

    @Command(name = "cron", description = {"Submit a function spec or workflow on a schedule, once per tick colony-wide.",
            "Whichever nodes are up, every node computes the same process id for a tick."},
            subcommands = {CronAdd.class, TriggerList.Crons.class, TriggerGet.Cron.class, TriggerRemove.Cron.class})
    static final class Cron {
    }

    @Command(name = "generator", description = {"Submit a workflow once N args were packed into it, or after a timeout.",
            "The packed args are appended to the args of every step without dependencies."},
            subcommands = {GeneratorAdd.class, GeneratorPack.class, TriggerList.Generators.class, TriggerGet.Generator.class,
                    TriggerRemove.Generator.class})
    static final class Generator {
    }

    @Command(name = "add", description = {"Add a cron. Prints its id.",
            "Schedule (UTC): 6 fields with seconds first, as ColonyOS writes them (\"0/10 * * * * *\": every 10 s),",
            "or the classic 5 (\"*/5 * * * *\": every 5 minutes)."})
    static final class CronAdd implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Option(names = "--spec", required = true, paramLabel = "FILE",
                description = "Function spec JSON, or a workflow {\"functionspecs\": [...]} ('-' for stdin).")
        String specFile;
        @Option(names = "--cron", required = true, paramLabel = "EXPR", description = "Cron expression (UTC).")
        String cron;
        @Option(names = "--name", paramLabel = "NAME", description = "A name (default: the spec's funcname).")
        String name;
        @Option(names = "--json", description = "Print the cron as JSON.")
        boolean json;

        @Override
        public Integer call() {
            checkFires(spec, cron);
            List<FunctionSpec> specs = readSpecs(specFile);
            TriggerView t = client.signing().addCron(nameOr(name, specs), specs, cron);
            printAdded(spec, t, json);
            return 0;
        }
    }

    /** Refuses (usage error) a valid cron expression that never fires, such as February 31st. */
    static void checkFires(CommandSpec spec, String expression) {
        io.colony.protocol.CronSchedule s;
        try {
            s = io.colony.protocol.CronSchedule.parse(expression);
        } catch (io.colony.protocol.InvalidInputException e) {
            throw Usage.error(spec, "--cron: " + e.getMessage());
        }
        long next;
        try {
            next = s.next(System.currentTimeMillis());
        } catch (RuntimeException e) {
            next = -1;
        }
        if (next < 0) {
            throw Usage.error(spec, "--cron \"" + expression.strip() + "\" never fires (no such date)");
        }
    }

    @Command(name = "add", description = "Add a generator. Prints its id.")
    static final class GeneratorAdd implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Option(names = "--spec", required = true, paramLabel = "FILE",
                description = "Workflow JSON {\"functionspecs\": [...]}, or one function spec ('-' for stdin).")
        String specFile;
        @Option(names = "--trigger", required = true, paramLabel = "N",
                description = "Submit once this many args are packed.")
        int trigger;
        @Option(names = "--timeout", paramLabel = "TIME", defaultValue = "0", converter = DurationConverter.class,
                description = "Submit what is packed this long after the oldest pack (e.g. 30s, 5m, 1d; default 0: never).")
        Duration timeout;
        @Option(names = "--name", paramLabel = "NAME", description = "A name (default: the first spec's funcname).")
        String name;
        @Option(names = "--json", description = "Print the generator as JSON.")
        boolean json;

        @Override
        public Integer call() {
            List<FunctionSpec> specs = readSpecs(specFile);
            TriggerView t = client.signing().addGenerator(nameOr(name, specs), specs, trigger, timeout);
            printAdded(spec, t, json);
            return 0;
        }
    }

    @Command(name = "pack", description = "Pack an arg into a generator.")
    static final class GeneratorPack implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Parameters(paramLabel = "ID", description = "Generator id.")
        String id;
        @Option(names = "--arg", required = true, paramLabel = "ARG", description = "The arg.")
        String arg;
        @Option(names = "--json", description = "Print the generator as JSON.")
        boolean json;

        @Override
        public Integer call() {
            io.colony.sdk.ColonyClient c = client.signing();
            TriggerView t = c.pack(c.resolveId("generator", id), arg);
            if (json) {
                Printer.json(spec.commandLine().getOut(), t);
            } else {
                spec.commandLine().getOut().println(t.pending() + " of " + t.trigger() + " packed");
            }
            return 0;
        }
    }

    abstract static class TriggerList extends ReadCommand {
        @Option(names = "--all", description = "Include removed ones.")
        boolean all;

        abstract List<TriggerView> fetch();

        @Override
        public Integer call() {
            return print(fetch().stream().filter(t -> all || t.removed() == null).toList(), (out, list) -> {
                if (list.isEmpty()) {
                    out.println("none");
                    return;
                }
                out.printf("%-64s  %-16s  %-20s  %-24s  %5s  %s%n", "ID", "NAME", "WHEN", "NEXT", "RUNS", "STATE");
                for (TriggerView t : list) {
                    out.printf("%-64s  %-16s  %-20s  %-24s  %5d  %s%n", t.id(), t.name(), when(t),
                            t.next() == null ? "-" : Instant.ofEpochMilli(t.next()).toString(), t.runs(),
                            t.removed() != null ? "removed" : "active");
                }
            });
        }

        @Command(name = "list", description = "List the colony's crons.")
        static final class Crons extends TriggerList {
            @Override
            List<TriggerView> fetch() {
                return client.reading().crons();
            }
        }

        @Command(name = "list", description = "List the colony's generators.")
        static final class Generators extends TriggerList {
            @Override
            List<TriggerView> fetch() {
                return client.reading().generators();
            }
        }
    }

    abstract static class TriggerGet extends ReadCommand {
        @Parameters(paramLabel = "ID", description = "Its id (printed by 'add').")
        String id;

        abstract TriggerView fetch();

        @Override
        public Integer call() {
            return print(fetch(), TriggerGet::show);
        }

        private static void show(PrintWriter out, TriggerView t) {
            out.println("Id:       " + t.id());
            out.println("Name:     " + t.name());
            out.println("Owner:    " + t.owner());
            out.println("Added:    " + Instant.ofEpochMilli(t.created()));
            out.println("When:     " + when(t));
            if (t.next() != null) {
                out.println("Next:     " + Instant.ofEpochMilli(t.next()));
            }
            if (t.pending() != null) {
                out.println("Packed:   " + t.pending() + " waiting");
            }
            out.println("Runs:     " + t.runs() + (t.last() == null ? "" : " (latest " + t.last() + ")"));
            out.println("State:    " + (t.removed() == null ? "active" : "removed at " + Instant.ofEpochMilli(t.removed())));
            out.println("Submits:  " + (t.specs().size() == 1 ? "process " + t.specs().get(0).funcname()
                    : "workflow of " + t.specs().size() + " steps"));
        }

        @Command(name = "get", description = "Show a cron.")
        static final class Cron extends TriggerGet {
            @Override
            TriggerView fetch() {
                io.colony.sdk.ColonyClient c = client.reading();
                return c.cron(c.resolveId("cron", id));
            }
        }

        @Command(name = "get", description = "Show a generator.")
        static final class Generator extends TriggerGet {
            @Override
            TriggerView fetch() {
                io.colony.sdk.ColonyClient c = client.reading();
                return c.generator(c.resolveId("generator", id));
            }
        }
    }

    abstract static class TriggerRemove implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Parameters(paramLabel = "ID", description = "Its id.")
        String id;

        abstract TriggerView remove();

        @Override
        public Integer call() {
            TriggerView t = remove();
            spec.commandLine().getOut().println("removed " + t.kind() + " " + t.id());
            return 0;
        }

        @Command(name = "remove", description = "Remove a cron (its creator or the colony owner): no later tick runs.")
        static final class Cron extends TriggerRemove {
            @Override
            TriggerView remove() {
                io.colony.sdk.ColonyClient c = client.signing();
                return c.removeCron(c.resolveId("cron", id));
            }
        }

        @Command(name = "remove", description = "Remove a generator (its creator or the colony owner).")
        static final class Generator extends TriggerRemove {
            @Override
            TriggerView remove() {
                io.colony.sdk.ColonyClient c = client.signing();
                return c.removeGenerator(c.resolveId("generator", id));
            }
        }
    }

    private static String when(TriggerView t) {
        if (t.schedule() != null) {
            return t.schedule();
        }
        return t.trigger() + " packs" + (t.timeoutms() != null && t.timeoutms() > 0
                ? " or " + Duration.ofMillis(t.timeoutms()).toString().substring(2).toLowerCase() : "");
    }

    private static void printAdded(CommandSpec spec, TriggerView t, boolean json) {
        if (json) {
            Printer.json(spec.commandLine().getOut(), t);
        } else {
            spec.commandLine().getOut().println(t.id());
        }
    }

    private static String nameOr(String name, List<FunctionSpec> specs) {
        return name != null ? name : specs.get(0).funcname();
    }

    /** Reads a function spec or a workflow file; one readable line on error. */
    static List<FunctionSpec> readSpecs(String file) {
        byte[] bytes;
        try {
            bytes = file.equals("-") ? System.in.readNBytes(SpecCodec.MAX_SPEC_BYTES * 4 + 1)
                    : Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("spec file " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read spec file " + file + ": " + e.getMessage());
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        try {
            JsonNode tree = new ObjectMapper().readTree(text);
            if (tree != null && tree.has("functionspecs")) {
                return SpecCodec.parseWorkflow(text);
            }
            return List.of(SpecCodec.parse(bytes));
        } catch (IOException e) {
            throw new IllegalArgumentException("spec file " + file + ": not JSON (" + e.getMessage().lines().findFirst()
                    .orElse("") + ")");
        } catch (InvalidInputException e) {
            throw new IllegalArgumentException("spec file " + file + ": " + e.getMessage());
        }
    }
}
