package io.colony.cli;

import io.colony.node.DevColony;
import io.colony.node.Node;
import io.colony.node.NodeConfig;
import io.colony.node.lease.LeaseConfig;
import io.colony.sdk.NodeInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code colony node ...}: run and inspect nodes. */
@Command(name = "node", description = "Start a node or show what a node says about itself.",
        subcommands = {NodeCommand.Start.class, NodeCommand.Info.class})
final class NodeCommand {

    private NodeCommand() {
    }

    /** Options of commands that run a node in this JVM. */
    static final class RunOptions {
        @Option(names = "--api-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
                description = "Address of the HTTP API (default ${DEFAULT-VALUE}).")
        String apiHost;
        @Option(names = "--api-port", paramLabel = "PORT", defaultValue = "50080",
                description = "Port of the HTTP API, 0 for any free port (default ${DEFAULT-VALUE}).")
        int apiPort;
        @Option(names = "--executor-type", paramLabel = "TYPE", defaultValue = "cli",
                description = "Type of the built-in executor, 'none' for no executor (default ${DEFAULT-VALUE}).")
        String executorType;
        @Option(names = "--executor-name", paramLabel = "NAME", description = "Name of the built-in executor (default: node-<id prefix>).")
        String executorName;
        @Option(names = "--capacity", paramLabel = "N", description = "Processes run in parallel (default: number of cores).")
        Integer capacity;
        @Option(names = "--lease-ms", paramLabel = "MS", defaultValue = "10000",
                description = "Lease length of claims; renewed every third (default ${DEFAULT-VALUE}).")
        long leaseMs;

        NodeConfig apply(NodeConfig base) {
            if (apiPort < 0 || apiPort > 65535) {
                throw new IllegalArgumentException("--api-port must be in 0..65535");
            }
            int cap = capacity == null ? base.capacity() : capacity;
            if (cap < 1) {
                throw new IllegalArgumentException("--capacity must be >= 1");
            }
            if (leaseMs < 100) {
                throw new IllegalArgumentException("--lease-ms must be >= 100");
            }
            String type = executorType.equals("none") ? null : executorType;
            return base.withApi(apiHost, apiPort).withExecutor(type, executorName, cap)
                    .withLease(LeaseConfig.of(leaseMs, 0));
        }
    }

    @Command(name = "start", description = "Start a node on a data dir and run it until Ctrl-C / SIGTERM.")
    static final class Start implements Callable<Integer> {
        @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:COLONY_DATA:-${sys:user.home}/.colony/node}",
                description = "Data dir: keys, ledger, watchdog file (env COLONY_DATA, default ${DEFAULT-VALUE}).")
        Path data;
        @Option(names = "--colony", paramLabel = "ID",
                description = "Colony id (the owner's public key); default: the data dir's colony.id file.")
        String colony;
        @Mixin
        RunOptions run = new RunOptions();

        @Override
        public Integer call() {
            Logging.nodeLevel();
            String id = colony != null ? colony : DevColony.readColonyId(data);
            if (id == null) {
                throw new IllegalArgumentException("no colony id: pass --colony ID or write it to " + data.resolve(DevColony.COLONY_ID));
            }
            DevColony.writeColonyId(data, id);
            Node node = Node.start(run.apply(NodeConfig.of(data, id)));
            return NodeRunner.runUntilStopped(node);
        }
    }

    @Command(name = "info", description = "Show the node's colony, id, executor and process counts.")
    static final class Info implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            NodeInfo info = client.reading().nodeInfo();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Printer.json(out, info);
            } else {
                out.println("Colony:        " + info.colony());
                out.println("Node:          " + info.node());
                out.println("Name:          " + info.name());
                out.println("Executors:     " + String.join(", ", info.executorTypes()) + " x" + info.capacity());
                out.println("Version:       " + info.version());
                out.println("Processes:     " + info.processes());
            }
            return 0;
        }
    }
}
