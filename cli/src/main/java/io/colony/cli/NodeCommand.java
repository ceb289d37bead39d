package io.colony.cli;

import io.colony.node.DataDirLock;
import io.colony.node.Node;
import io.colony.node.NodeConfig;
import io.colony.node.exec.ExecPolicy;
import io.colony.node.lease.LeaseConfig;
import io.colony.node.ledger.Resources;
import io.colony.protocol.InvalidInputException;
import io.colony.protocol.SpecCodec;
import io.colony.sdk.NodeInfo;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code colony node ...}: run and inspect nodes. */
@Command(name = "node", description = "Start a node or show what a node says about itself.",
        subcommands = {NodeCommand.Start.class, NodeCommand.Info.class, NodeCommand.Peers.class, NodeStatusCommand.class,
                NodeConfigCommand.class, NodeCdsCommand.class, NodeRepairCommand.class})
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
        @Option(names = "--cpu", paramLabel = "CPU", description = "CPU the executor offers to conditions.cpu, e.g. 4 or 500m (default: the cores).")
        String cpu;
        @Option(names = "--memory", paramLabel = "MEM", description = "Memory it offers to conditions.memory, e.g. 8Gi (default: the machine's).")
        String memory;
        @Option(names = "--gpu", paramLabel = "N", description = "GPUs it offers to conditions.gpu (default: 0).")
        String gpu;
        @Mixin
        ApiOptions api = new ApiOptions();
        @Option(names = "--allow", paramLabel = "PATTERN",
                description = {"A program the cli executor may run (repeatable): NAME (looked up on the children's PATH),",
                        "/ABS/PATH or *, optionally followed by an argument glob, e.g. --allow echo",
                        "--allow '/usr/bin/python3 /opt/jobs/*'. Without any, 'node start' runs nothing; dev runs all."})
        java.util.List<String> allow;
        @Option(names = "--run-as", paramLabel = "USER",
                description = "Run the cli executor's children as this OS user (the node must run as root).")
        String runAs;

        /** Takes values from the environment or config file for the flags not given. */
        void fill(NodeSettings s, java.util.function.Predicate<String> flagGiven) {
            s.override(NodeSettings.Key.API_HOST, flagGiven, t -> t).ifPresent(v -> apiHost = v);
            s.override(NodeSettings.Key.API_PORT, flagGiven, NodeSettings.intIn(0, 65535)).ifPresent(v -> apiPort = v);
            s.override(NodeSettings.Key.EXECUTOR_TYPE, flagGiven, t -> t).ifPresent(v -> executorType = v);
            s.override(NodeSettings.Key.EXECUTOR_NAME, flagGiven, t -> t).ifPresent(v -> executorName = v);
            s.override(NodeSettings.Key.CAPACITY, flagGiven, NodeSettings.intIn(1, 65536)).ifPresent(v -> capacity = v);
            s.override(NodeSettings.Key.LEASE_MS, flagGiven, NodeSettings.intIn(100, Integer.MAX_VALUE))
                    .ifPresent(v -> leaseMs = v);
            s.override(NodeSettings.Key.CPU, flagGiven, t -> checked(() -> SpecCodec.cpuMillis(t, "executor.cpu"), t))
                    .ifPresent(v -> cpu = v);
            s.override(NodeSettings.Key.MEMORY, flagGiven, t -> checked(() -> SpecCodec.memoryMb(t, "executor.memory"), t))
                    .ifPresent(v -> memory = v);
            s.override(NodeSettings.Key.GPU, flagGiven, t -> checked(() -> SpecCodec.gpus(t, "executor.gpu"), t))
                    .ifPresent(v -> gpu = v);
            api.fill(s, flagGiven);
            s.override(NodeSettings.Key.ALLOW, flagGiven, t -> {
                java.util.List<String> patterns = java.util.Arrays.stream(t.split(",")).map(String::strip)
                        .filter(x -> !x.isEmpty()).toList();
                ExecPolicy.of(patterns);
                return patterns;
            }).ifPresent(v -> allow = v);
            s.override(NodeSettings.Key.RUN_AS, flagGiven, t -> {
                ExecPolicy.denyAll().withRunAs(t);
                return t;
            }).ifPresent(v -> runAs = v);
        }

        private static String checked(java.util.function.Supplier<?> parse, String text) {
            parse.get();
            return text;
        }

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
            Resources machine = base.resources();
            Resources offered;
            try {
                offered = new Resources(cpu == null ? machine.cpuMillis() : SpecCodec.cpuMillis(cpu, "--cpu"),
                        memory == null ? machine.memoryMb() : SpecCodec.memoryMb(memory, "--memory"),
                        gpu == null ? machine.gpus() : SpecCodec.gpus(gpu, "--gpu"));
            } catch (InvalidInputException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
            ExecPolicy policy = (allow == null || allow.isEmpty() ? base.execPolicy() : ExecPolicy.of(allow))
                    .withRunAs(runAs);
            if (type != null) {
                policy.checkRunAs(); // a bad --run-as is one error line before the node starts
            }
            return base.withApi(apiHost, apiPort).withApiSettings(api.settings()).withExecutor(type, executorName, cap)
                    .withLease(LeaseConfig.of(leaseMs, 0)).withResources(offered)
                    .withExecPolicy(policy);
        }
    }

    @Command(name = "start", description = {"Start a node on a data dir and run it until Ctrl-C / SIGTERM.",
            "First start of a new node: --join TOKEN (from 'colony member invite'); later: --data DIR only.",
            "Prints its colony, id, API URL and peer addresses on stdout."})
    static final class Start implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:COLONY_DATA:-${env:COLONY_HOME:-${env:HOME:-${sys:user.home}}/.colony}/node}",
                description = "Data dir: keys, ledger, watchdog file (env COLONY_DATA, default ${DEFAULT-VALUE}).")
        Path data;
        @Option(names = "--colony", paramLabel = "ID",
                description = "Colony id (the owner's public key); default: the data dir's colony.id file.")
        String colony;
        @Option(names = "--join", paramLabel = "TOKEN",
                description = {"Join token (or @FILE holding it, kept out of the process list): writes its key as",
                        "node.key and its colony id into the data dir."})
        String join;
        @Option(names = "--config", paramLabel = "FILE",
                description = "Config file (Java properties; default: DATA_DIR/colony.conf if it exists). See 'colony node config'.")
        Path config;
        @Mixin
        RunOptions run = new RunOptions();
        @Mixin
        P2pOptions p2p = new P2pOptions();
        @Mixin
        LogOptions logs = new LogOptions();

        @Override
        public Integer call() {
            NodeSettings settings = NodeSettings.load(data, config, System.getenv());
            java.util.function.Predicate<String> given = NodeSettings.flagsGiven(spec);
            run.fill(settings, given);
            p2p.fill(settings, given);
            logs.fill(settings, given);
            logs.apply();
            DataDirLock lock = DataDirLock.acquire(data);
            Node node;
            String invitedName;
            try {
                DataDir dir = DataDir.prepare(data, colony, join, p2p.bootstrapGiven());
                if (run.executorName == null && !dir.invitedName().isEmpty()) {
                    run.executorName = dir.invitedName(); // the --name of 'member invite': peers, info, claims show it
                }
                invitedName = dir.invitedName();
                NodeConfig config = run.apply(NodeConfig.of(data, dir.colonyId()))
                        .withNetwork(p2p.settings("0.0.0.0", dir.bootstrap(), dir.ownAdmit()));
                node = Node.start(config);
            } catch (RuntimeException e) {
                lock.close();
                throw e;
            }
            KeptSettings.keep(data, config, spec, java.util.Map.of(NodeSettings.Key.EXECUTOR_NAME,
                    run.executorName != null && run.executorName.equals(invitedName) ? invitedName : ""));
            NodeRunner.printStarted(spec.commandLine().getOut(), "", node);
            return NodeRunner.runUntilStopped(node, lock);
        }
    }

    @Command(name = "info", description = "Show the node's colony, ids, addresses, peers, executor and process counts.")
    static final class Info extends ReadCommand {
        @Override
        public Integer call() {
            return print(client.reading().nodeInfo(), Printer::nodeInfo);
        }
    }

    @Command(name = "peers", description = "List the member peers the node is connected to.")
    static final class Peers extends ReadCommand {
        @Override
        public Integer call() {
            return print(client.reading().peers(), (out, peers) -> {
                out.printf("%-54s  %-20s  %s%n", "PEER ID", "NAME", "ADDRESS");
                for (NodeInfo.Peer p : peers) {
                    out.printf("%-54s  %-20s  %s%n", p.peerId(), p.name().isEmpty() ? "-" : p.name(),
                            p.addresses().isEmpty() ? "-" : p.addresses().get(0));
                }
            });
        }
    }
}
