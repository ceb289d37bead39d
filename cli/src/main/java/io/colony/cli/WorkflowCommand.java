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
@Command(name = "workflow", description = {"Submit, list, inspect and cancel workflows: function specs that depend on each other.",
        "A workflow id may be shortened to a unique prefix of at least 6 characters."},
        subcommands = {WorkflowCommand.Submit.class, WorkflowCommand.Get.class, WorkflowCommand.Ls.class,
                WorkflowCommand.Cancel.class})
final class WorkflowCommand {

    private WorkflowCommand() {
    }

    @Command(name = "submit", description = {"Submit a workflow: function specs that depend on each other.",
            "The file (JSON, '-' for stdin) is {\"functionspecs\": [...]}, each spec with a nodename and conditions.dependencies.",
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
        @Mixin
        WaitTimeout timeout;
        @Option(names = "--json", description = "Print the workflow as JSON.")
        boolean json;

        @Override
        public Integer call() {
            long timeoutSeconds = timeout.checked(spec);
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
            return show(spec, TimedOutException.waiting(timeoutSeconds,
                    () -> c.waitForWorkflow(w.id(), Duration.ofSeconds(timeoutSeconds))), json);
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
            ColonyClient c = client.reading();
            show(spec, c.workflow(c.resolveId("workflow", id)), json);
            return 0;
        }
    }

    @Command(name = "ls", description = "List workflows, newest first: id, state, steps and their states.")
    static final class Ls extends ReadCommand {
        @Option(names = "--state", paramLabel = "STATE", description = "Only WAITING, RUNNING, SUCCESS or FAILED workflows.")
        ProcessState state;
        @Mixin
        ListLimit listLimit;

        @Override
        public Integer call() {
            int limit = listLimit.checked(spec);
            return print(client.reading().workflows(state, limit), (out, all) -> {
                out.printf("%-64s  %-8s  %-5s  %-24s  %s%n", "ID", "STATE", "STEPS", "SUBMITTED", "STEP STATES");
                for (WorkflowView w : all) {
                    long submitted = w.processes().stream().mapToLong(ProcessView::submittedMs).min().orElse(0);
                    String steps = String.join(" ", w.processes().stream()
                            .map(p -> p.spec().nodename() + ":" + p.state()).toList());
                    out.printf("%-64s  %-8s  %-5d  %-24s  %s%n", w.id(), w.state(), w.processes().size(),
                            submitted <= 0 ? "-" : java.time.Instant.ofEpochMilli(submitted).toString(),
                            steps.length() > 60 ? steps.substring(0, 57) + "..." : steps);
                }
            });
        }
    }

    @Command(name = "cancel", description = {"Cancel every unfinished step of a workflow.",
            "Waiting steps never run, running ones are stopped; finished steps keep their state. Its submitter or the colony owner may."})
    static final class Cancel implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Parameters(paramLabel = "ID", description = "Workflow id.")
        String id;
        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "cancelled by the user",
                description = "Why (shown in each step's errors; default '${DEFAULT-VALUE}').")
        String reason;

        @Override
        public Integer call() {
            ColonyClient c = client.signing();
            WorkflowView w = c.workflow(c.resolveId("workflow", id));
            PrintWriter out = spec.commandLine().getOut();
            int cancelled = 0;
            for (ProcessView p : w.processes()) {
                if (p.state().isFinal()) {
                    continue;
                }
                try {
                    ProcessView after = c.cancel(p.id(), reason);
                    out.println(p.spec().nodename() + " " + after.id() + " " + after.state());
                    cancelled++;
                } catch (io.colony.sdk.ColonyException.ConflictException e) {
                    // it ended meanwhile (or a parent's cancel failed it): nothing left to cancel
                }
            }
            out.println("workflow " + w.id() + ": " + cancelled + " unfinished step" + (cancelled == 1 ? "" : "s")
                    + " cancelled");
            return 0;
        }
    }

    /** True if {@code bytes} is a JSON object with a {@code functionspecs} field (a workflow file). */
    static boolean looksLikeWorkflow(byte[] bytes) {
        try {
            com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(bytes);
            return n != null && (n.isArray() || n.isObject() && n.has("functionspecs"));
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /** True if {@code bytes} is a JSON object that looks like one function spec. */
    static boolean looksLikeSpec(byte[] bytes) {
        try {
            com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(bytes);
            return n != null && n.isObject() && !n.has("functionspecs") && (n.has("funcname") || n.has("conditions"));
        } catch (java.io.IOException | RuntimeException e) {
            return false;
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
            if (looksLikeSpec(bytes)) {
                throw new IllegalArgumentException("workflow file " + file + " is a single function spec, not a workflow"
                        + " ({\"functionspecs\": [...]}): submit it with 'colony process submit --spec " + file + "'");
            }
            throw new IllegalArgumentException("workflow file " + file + ": " + e.getMessage());
        }
    }
}
