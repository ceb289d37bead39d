package io.colony.cli;

import io.colony.protocol.FunctionSpec;
import io.colony.protocol.InvalidInputException;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.SpecCodec;
import io.colony.sdk.ColonyClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code colony process ...}: submit, inspect and wait for processes. */
@Command(name = "process", description = "Submit, list, inspect and wait for processes.",
        subcommands = {ProcessCommand.Submit.class, ProcessCommand.Get.class, ProcessCommand.Ps.class,
                ProcessCommand.Wait.class, ProcessCommand.Cancel.class})
final class ProcessCommand {

    /** Exit status for a process that ended FAILED. */
    static final int EXIT_FAILED = 1;

    private ProcessCommand() {
    }

    @Command(name = "submit", description = "Submit a function spec (JSON file, '-' for stdin).")
    static final class Submit implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Option(names = "--spec", required = true, paramLabel = "FILE", description = "Function spec JSON file.")
        String specFile;
        @Option(names = "--wait", description = "Wait until the process ends; exit 0 on SUCCESS, 1 on FAILED.")
        boolean waitForIt;
        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3600",
                description = "Give up waiting after this many seconds (default ${DEFAULT-VALUE}).")
        long timeoutSeconds;
        @Option(names = "--json", description = "Print the process as JSON.")
        boolean json;

        @Override
        public Integer call() {
            FunctionSpec fs = readSpec(specFile);
            ColonyClient c = client.signing();
            ProcessView p = c.submit(fs);
            PrintWriter out = spec.commandLine().getOut();
            if (!waitForIt) {
                if (json) {
                    Printer.json(out, p);
                } else {
                    out.println(p.id());
                }
                return 0;
            }
            return finish(spec, c.waitFor(p.id(), Duration.ofSeconds(timeoutSeconds)), json);
        }
    }

    @Command(name = "get", description = "Show a process: state, output, errors, history.")
    static final class Get extends ReadCommand {
        @Parameters(paramLabel = "ID", description = "Process id.")
        String id;

        @Override
        public Integer call() {
            return print(client.reading().get(id), Printer::process);
        }
    }

    @Command(name = "ps", description = "List processes, newest first.")
    static final class Ps extends ReadCommand {
        @Option(names = "--state", paramLabel = "STATE", description = "Only WAITING, RUNNING, SUCCESS or FAILED.")
        ProcessState state;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N (1..1000, default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            return print(client.reading().list(state, limit), Printer::table);
        }
    }

    @Command(name = "wait", description = "Wait until a process ends; print its output; exit 0 on SUCCESS, 1 on FAILED.")
    static final class Wait implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Parameters(paramLabel = "ID", description = "Process id.")
        String id;
        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3600",
                description = "Give up waiting after this many seconds (default ${DEFAULT-VALUE}).")
        long timeoutSeconds;
        @Option(names = "--json", description = "Print the final process as JSON.")
        boolean json;

        @Override
        public Integer call() {
            ColonyClient c = client.reading();
            return finish(spec, c.waitFor(id, Duration.ofSeconds(timeoutSeconds)), json);
        }
    }

    @Command(name = "cancel", description = {"Cancel a process (its submitter or the colony owner only):",
            "a waiting process is never run, a running one is stopped on whichever node runs it."})
    static final class Cancel implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Parameters(paramLabel = "ID", description = "Process id.")
        String id;
        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "cancelled by the user",
                description = "Why (shown in the process's errors; default '${DEFAULT-VALUE}').")
        String reason;

        @Override
        public Integer call() {
            ProcessView p = client.signing().cancel(id, reason);
            spec.commandLine().getOut().println(p.id() + " " + p.state());
            return 0;
        }
    }

    /** Prints a final process (output on stdout, errors on stderr) and returns the exit status. */
    static int finish(CommandSpec spec, ProcessView p, boolean json) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Printer.json(out, p);
        } else {
            p.output().forEach(out::println);
        }
        if (p.state() == ProcessState.SUCCESS) {
            return 0;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("colony: process " + p.id() + " FAILED: "
                + (p.errors().isEmpty() ? "no reason given" : String.join("; ", p.errors())));
        return EXIT_FAILED;
    }

    /** Reads and validates a spec file; one readable line on error. */
    static FunctionSpec readSpec(String file) {
        byte[] bytes;
        try {
            bytes = file.equals("-") ? System.in.readNBytes(SpecCodec.MAX_SPEC_BYTES + 1) : Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("spec file " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read spec file " + file + ": " + e.getMessage());
        }
        try {
            return SpecCodec.parse(bytes);
        } catch (InvalidInputException e) {
            throw new IllegalArgumentException("spec file " + file + ": " + e.getMessage());
        }
    }
}
