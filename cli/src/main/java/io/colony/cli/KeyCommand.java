package io.colony.cli;

import io.colony.node.KeyFiles;
import io.colony.protocol.Identity;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code colony key ...}: member keys. */
@Command(name = "key", description = "Manage Ed25519 member keys.", subcommands = KeyCommand.Generate.class)
final class KeyCommand {

    private KeyCommand() {
    }

    @Command(name = "generate", description = "Generate a private key; print it and its member id.")
    static final class Generate implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--out", paramLabel = "FILE", description = "Also write the private key to FILE (mode 600).")
        Path out;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            if (out != null && java.nio.file.Files.exists(out)) {
                throw new IllegalArgumentException("--out " + out + ": file exists (a key file is never overwritten)");
            }
            Identity id = Identity.generate();
            if (out != null) {
                KeyFiles.write(out, id);
            }
            if (json) {
                Map<String, String> m = new LinkedHashMap<>();
                m.put("id", id.memberId());
                m.put("prvkey", id.privateKeyHex());
                Printer.json(spec.commandLine().getOut(), m);
            } else {
                spec.commandLine().getOut().println("Id:     " + id.memberId());
                spec.commandLine().getOut().println("PrvKey: " + id.privateKeyHex());
            }
            return 0;
        }
    }
}
