package io.colony.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A command that reads something from a node and prints it for people, or as JSON with {@code --json}. */
abstract class ReadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ClientOptions client;
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    /** Prints {@code value} as JSON, or with {@code human}; returns exit status 0. */
    final <T> int print(T value, BiConsumer<PrintWriter, T> human) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Printer.json(out, value);
        } else {
            human.accept(out, value);
        }
        return 0;
    }
}
