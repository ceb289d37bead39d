package io.colony.cli;

import io.colony.node.DevColony;
import io.colony.node.ledger.LedgerRepair;
import io.colony.protocol.Hex;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code colony node repair}: checks a stopped node's ledger files, rebuilds the index and re-imports
 * records that recovery saved aside.
 */
@Command(name = "repair", description = {"Check and repair the ledger of a stopped node's data dir.",
        "It reads the journal (entries readable, damaged, torn tail), checks the index against it,",
        "rebuilds the index from the journal and re-imports the records of every",
        "ledger.db.journal.damaged-* file (signatures verified, ledger rules applied; the file is then",
        "renamed *.imported). Refuses to run while a node holds the data dir."})
final class NodeRepairCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:COLONY_DATA:-${sys:user.home}/.colony/node}",
            description = "Data dir (env COLONY_DATA, default ${DEFAULT-VALUE}).")
    Path data;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isDirectory(data)) {
            err.println("colony: no data dir " + data);
            return 1;
        }
        String colony = DevColony.readColonyId(data);
        if (colony == null) {
            err.println("colony: " + data + " has no colony.id: not a node's data dir");
            return 1;
        }
        try {
            boolean clean = LedgerRepair.repair(data.resolve("ledger.db"), Hex.decode(colony, 32, "colony.id"),
                    System.currentTimeMillis(), line -> {
                        out.println(line);
                        out.flush();
                    });
            return clean ? 0 : 1;
        } catch (IOException e) {
            err.println("colony: " + e.getMessage());
            return 1;
        }
    }
}
