package io.colony.cli;

import io.colony.node.DevColony;
import io.colony.node.Node;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code colony dev}: a one-node development colony. Creates (or reuses) owner, node and user keys in
 * a data dir, starts the node with a {@code cli} executor, admits the node and the user, and prints
 * the environment to use from another terminal.
 */
@Command(name = "dev", description = {"Start a one-node development colony with a 'cli' executor.",
        "Prints the export lines to paste into another terminal; Ctrl-C stops it; the data dir is reused."})
final class DevCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:COLONY_DEV_DATA:-${sys:user.home}/.colony/dev}",
            description = "Data dir of the dev colony (env COLONY_DEV_DATA, default ${DEFAULT-VALUE}).")
    Path data;
    @Mixin
    NodeCommand.RunOptions run = new NodeCommand.RunOptions();

    @Override
    public Integer call() {
        Logging.nodeLevel();
        DevColony dev = DevColony.prepare(data);
        Node node = Node.start(run.apply(dev.nodeConfig()));
        dev.admitMembers(node);
        PrintWriter out = spec.commandLine().getOut();
        String host = run.apiHost.equals("0.0.0.0") ? "127.0.0.1" : run.apiHost;
        out.println("# Colony dev node running (colony " + dev.colonyId() + ", data " + data + ").");
        out.println("# In another terminal, paste:");
        out.println("export COLONY_HOST=" + host);
        out.println("export COLONY_PORT=" + node.apiPort());
        out.println("export COLONY_PRVKEY=" + dev.user().privateKeyHex());
        out.println("# then e.g.: ./colony process submit --spec sayhello.json --wait");
        out.println("# Owner key (admits members): " + data.resolve(DevColony.OWNER_KEY) + ". Ctrl-C stops the node.");
        out.flush();
        return NodeRunner.runUntilStopped(node);
    }
}
