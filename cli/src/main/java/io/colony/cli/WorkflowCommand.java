package io.colony.cli;

import io.colony.protocol.FunctionSpec;
import io.colony.protocol.InvalidInputException;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.SpecCodec;
import io.colony.protocol.WorkflowView;
import io.colony.sdk.ColonyClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code colony workflow ...}: submit and inspect workflows (DAGs of function specs). */
@Command(name = "workflow", description = "Submit and inspect workflows: function specs that depend on each other.",
        subcommands = {WorkflowCommand.Submit.class, WorkflowCommand.Get.class})
final class WorkflowCommand {

    private WorkflowCommand() {
    }

    @Command(name = "submit", description = {"Submit a workflow: {\"functionspecs\": [...]}, each spec with a "
            + "nodename and conditions.dependencies (JSON file, '-' for stdin).",
            "A step gets its parents' outputs as a JSON array in the environment variable COLONY_IN."})
    static final class Submit implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Option(names = "--spec", required = true, paramLabel = "FILE", description = "Workflow JSON file.")
        String specFile;
        @Option(names = "--wait", description = "Wait until every step ended; exit 0 if all succeeded, else 1.")
        boolean waitForIt;
        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3600",
                description = "Give up waiting after this many seconds (default ${DEFAULT-VALUE}).")
        long timeoutSeconds;
        @Option(names = "--json", description = "Print the workflow as JSON.")
        boolean json;

        @Override
        public Integer call() {
            List<FunctionSpec> specs = readWorkflow(specFile);
            ColonyClient c = client.signing();
            WorkflowView w = c.submitWorkflow(specs);
            if (!waitForIt) {
                if (json) {
                    Printer.json(spec.commandLine().getOut(), w);
                } else {
                    spec.commandLine().getOut().println(w.id());
                }
                return 0;
            }
            return show(spec, c.waitForWorkflow(w.id(), Duration.ofSeconds(timeoutSeconds)), json);
        }
    }

    @Command(name = "get", description = "Show a workflow: its steps, what each depends on, their states.")
    static final class Get implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Parameters(paramLabel = "ID", description = "Workflow id (printed by 'colony workflow submit').")
        String id;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            show(spec, client.reading().workflow(id), json);
            return 0;
        }
    }

    /** Prints a workflow; returns 0 if it succeeded, else 1 (for --wait). */
    static int show(CommandSpec spec, WorkflowView w, boolean json) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Printer.json(out, w);
        } else {
            out.println("Workflow:  " + w.id());
            out.println("State:     " + w.state());
            out.printf("%-16s  %-8s  %-7s  %-24s  %s%n", "STEP", "STATE", "ATTEMPT", "AFTER", "PROCESS");
            for (ProcessView p : w.processes()) {
                List<String> deps = p.spec().conditions().dependencies();
                out.printf("%-16s  %-8s  %-7d  %-24s  %s%n", p.spec().nodename(), p.state(), p.attempt(),
                        deps.isEmpty() ? "-" : String.join(",", deps), p.id());
            }
        }
        if (!w.state().isFinal() || w.state() == ProcessState.SUCCESS) {
            return 0;
        }
        for (ProcessView p : w.processes()) {
            if (p.state() == ProcessState.FAILED) {
                spec.commandLine().getErr().println("colony: step " + p.spec().nodename() + " FAILED: "
                        + (p.errors().isEmpty() ? "no reason given" : String.join("; ", p.errors())));
                break;
            }
        }
        return ProcessCommand.EXIT_FAILED;
    }

    /** Reads and validates a workflow file; one readable line on error. */
    static List<FunctionSpec> readWorkflow(String file) {
        byte[] bytes;
        try {
            bytes = file.equals("-") ? System.in.readNBytes(SpecCodec.MAX_SPEC_BYTES * 4 + 1)
                    : Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("workflow file " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read workflow file " + file + ": " + e.getMessage());
        }
        try {
            return SpecCodec.parseWorkflow(new String(bytes, StandardCharsets.UTF_8));
        } catch (InvalidInputException e) {
            throw new IllegalArgumentException("workflow file " + file + ": " + e.getMessage());
        }
    }
}
