package io.colony.cli;

import io.colony.sdk.ProcessLogs;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code colony log ...}: process logs. */
@Command(name = "log", description = "Read process logs (stdout and stderr lines).", subcommands = LogCommand.Get.class)
final class LogCommand {

    private LogCommand() {
    }

    @Command(name = "get", description = "Print the log lines of a process, oldest first.")
    static final class Get implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Parameters(paramLabel = "ID", description = "Process id.")
        String id;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            ProcessLogs logs = client.reading().logs(id);
            if (json) {
                Printer.json(spec.commandLine().getOut(), logs);
            } else {
                logs.lines().forEach(spec.commandLine().getOut()::println);
                if (logs.droppedLines() > 0) {
                    spec.commandLine().getErr().println("colony: " + logs.droppedLines() + " older lines were dropped");
                }
            }
            return 0;
        }
    }
}
