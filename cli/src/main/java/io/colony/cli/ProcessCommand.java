package io.colony.cli;

import io.colony.protocol.Conditions;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code colony process ...}: submit, inspect and wait for processes. */
@Command(name = "process", description = {"Submit, list, inspect and wait for processes.",
        "A process id may be shortened to a unique prefix of at least 6 characters."},
        subcommands = {ProcessCommand.Submit.class, ProcessCommand.Get.class, ProcessCommand.Ps.class,
                ProcessCommand.Wait.class, ProcessCommand.Cancel.class, ProcessCommand.Exec.class, ProcessCommand.Psw.class,
                ProcessCommand.Psr.class, ProcessCommand.Pss.class, ProcessCommand.Psf.class})
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
        @Mixin
        WaitTimeout timeout;
        @Option(names = "--json", description = "Print the process as JSON.")
        boolean json;

        @Override
        public Integer call() {
            long timeoutSeconds = timeout.checked(spec);
            return submitAndMaybeWait(spec, client, readSpec(specFile), waitForIt, timeoutSeconds, json);
        }
    }

    @Command(name = "exec", description = {"Submit a process without writing a spec file (ColonyOS's 'function exec').",
            "For example: colony process exec --type cli --func echo --args hello --wait"})
    static final class Exec implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Option(names = {"--type", "--executortype"}, required = true, paramLabel = "TYPE",
                description = "conditions.executortype: the type of executor that runs it, e.g. cli.")
        String type;
        @Option(names = {"--func", "--funcname"}, required = true, paramLabel = "FUNC", description = "funcname: what to run.")
        String func;
        @Option(names = "--args", paramLabel = "ARG", arity = "1..*", description = "args, in order (repeatable).")
        List<String> args = new ArrayList<>();
        @Option(names = "--kwargs", paramLabel = "KEY:VALUE", description = "kwargs entry (repeatable); the value is text.")
        List<String> kwargs = new ArrayList<>();
        @Option(names = "--env", paramLabel = "KEY=VALUE", description = "env entry (repeatable).")
        List<String> env = new ArrayList<>();
        @Option(names = "--maxexectime", paramLabel = "SECONDS", defaultValue = "0",
                description = "Seconds one attempt may run, 0 for no limit (default ${DEFAULT-VALUE}).")
        long maxexectime;
        @Option(names = "--maxwaittime", paramLabel = "SECONDS", defaultValue = "0",
                description = "Seconds it may wait to be claimed, 0 for no limit (default ${DEFAULT-VALUE}).")
        long maxwaittime;
        @Option(names = "--maxretries", paramLabel = "N", defaultValue = "0", description = "Retries after a failed attempt (default ${DEFAULT-VALUE}).")
        int maxretries;
        @Option(names = "--priority", paramLabel = "N", defaultValue = "0", description = "Higher runs first (default ${DEFAULT-VALUE}).")
        int priority;
        @Option(names = "--label", paramLabel = "TEXT", description = "label: free text to find it by ('ps --label').")
        String label;
        @Option(names = "--wait", description = "Wait until the process ends; print its output; exit 0 on SUCCESS, 1 on FAILED.")
        boolean waitForIt;
        @Mixin
        WaitTimeout timeout;
        @Option(names = "--json", description = "Print the process as JSON.")
        boolean json;

        @Override
        public Integer call() {
            long timeoutSeconds = timeout.checked(spec);
            Map<String, Object> kw = new LinkedHashMap<>();
            for (String kv : kwargs) {
                int i = kv.indexOf(':');
                if (i <= 0) {
                    throw Usage.error(spec, "--kwargs takes KEY:VALUE, not '" + kv + "'");
                }
                kw.put(kv.substring(0, i), kv.substring(i + 1));
            }
            Map<String, String> en = new LinkedHashMap<>();
            for (String kv : env) {
                int i = kv.indexOf('=');
                if (i <= 0) {
                    throw Usage.error(spec, "--env takes KEY=VALUE, not '" + kv + "'");
                }
                en.put(kv.substring(0, i), kv.substring(i + 1));
            }
            FunctionSpec fs = new FunctionSpec(null, func, args, kw, en, Conditions.of(type), maxwaittime, maxexectime,
                    maxretries, priority, label, false);
            try {
                SpecCodec.validate(fs);
            } catch (InvalidInputException e) {
                throw Usage.error(spec, e.getMessage());
            }
            return submitAndMaybeWait(spec, client, fs, waitForIt, timeoutSeconds, json);
        }
    }

    /** Submits {@code fs}; prints its id (or JSON), or waits for it and prints its output. */
    static int submitAndMaybeWait(CommandSpec spec, ClientOptions client, FunctionSpec fs, boolean waitForIt,
                                  long timeoutSeconds, boolean json) {
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
        return finish(spec, TimedOutException.waiting(timeoutSeconds,
                () -> c.waitFor(p.id(), Duration.ofSeconds(timeoutSeconds))), json);
    }

    /** --timeout must be 1 s .. 30 days: checked before anything is submitted. */
    @Command(name = "get", description = "Show a process: state, output, errors, history.")
    static final class Get extends ReadCommand {
        @Parameters(paramLabel = "ID", description = "Process id.")
        String id;

        @Override
        public Integer call() {
            ColonyClient c = client.reading();
            return print(c.get(c.resolveId("process", id)), Printer::process);
        }
    }

    @Command(name = "ps", description = "List processes, newest first.")
    static class Ps extends ReadCommand {
        @Option(names = "--state", paramLabel = "STATE", description = "Only WAITING, RUNNING, SUCCESS or FAILED.")
        ProcessState state;
        @Mixin
        ListLimit listLimit;
        @Option(names = "--executortype", paramLabel = "TYPE", description = "Only those for executors of this type.")
        String executorType;
        @Option(names = "--label", paramLabel = "TEXT", description = "Only those with this label.")
        String label;

        /** The state listed ({@code --state}, or the one of a short form). */
        ProcessState state() {
            return state;
        }

        @Override
        public Integer call() {
            int limit = listLimit.checked(spec);
            if (state != null && state() != state) {
                throw Usage.error(spec, spec.name() + " lists " + state() + " processes; --state is for 'colony process ps'");
            }
            return print(client.reading().list(state(), executorType, label, limit), Printer::table);
        }
    }

    @Command(name = "psw", description = "List WAITING processes (ps --state waiting).")
    static final class Psw extends Ps {
        @Override
        ProcessState state() {
            return ProcessState.WAITING;
        }
    }

    @Command(name = "psr", description = "List RUNNING processes (ps --state running).")
    static final class Psr extends Ps {
        @Override
        ProcessState state() {
            return ProcessState.RUNNING;
        }
    }

    @Command(name = "pss", description = "List SUCCESS processes (ps --state success).")
    static final class Pss extends Ps {
        @Override
        ProcessState state() {
            return ProcessState.SUCCESS;
        }
    }

    @Command(name = "psf", description = "List FAILED processes (ps --state failed).")
    static final class Psf extends Ps {
        @Override
        ProcessState state() {
            return ProcessState.FAILED;
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
        @Mixin
        WaitTimeout timeout;
        @Option(names = "--json", description = "Print the final process as JSON.")
        boolean json;

        @Override
        public Integer call() {
            long timeoutSeconds = timeout.checked(spec);
            ColonyClient c = client.reading();
            String full = c.resolveId("process", id);
            return finish(spec, TimedOutException.waiting(timeoutSeconds,
                    () -> c.waitFor(full, Duration.ofSeconds(timeoutSeconds))), json);
        }
    }

    @Command(name = "cancel", description = {"Cancel a process: it never runs, or it is stopped where it runs.",
            "A waiting process is never run, a running one is stopped on whichever node runs it. Only its submitter",
            "or the colony owner may cancel it."})
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
            ColonyClient c = client.signing();
            ProcessView p = c.cancel(c.resolveId("process", id), reason);
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
            if (WorkflowCommand.looksLikeWorkflow(bytes)) {
                throw new IllegalArgumentException("spec file " + file + " is a workflow ({\"functionspecs\": [...]}):"
                        + " submit it with 'colony workflow submit --spec " + file + "'");
            }
            throw new IllegalArgumentException("spec file " + file + ": " + e.getMessage());
        }
    }
}
