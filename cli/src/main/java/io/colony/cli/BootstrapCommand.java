package io.colony.cli;

import io.colony.node.DataDirLock;
import io.colony.node.Node;
import io.colony.node.NodeConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code colony bootstrap}: a bootstrap peer, a colony node without executors (and without the HTTP
 * API unless asked) that new nodes join through. It keeps a replica of the ledger, which it needs to
 * know the members; it fits a small public machine ({@code COLONY_JAVA_OPTS=-Xmx64m}).
 */
@Command(name = "bootstrap", description = {"Run a bootstrap peer: a node without executors that others join through.",
        "First start: --join TOKEN (from 'colony member invite'); later: --data DIR only.",
        "Prints its peer addresses on stdout; fits a small machine (COLONY_JAVA_OPTS=-Xmx64m).",
        "Settings: flag > environment > DATA_DIR/colony.conf (or --config) > default, as for 'node start'."})
final class BootstrapCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:COLONY_HOME:-${env:HOME:-${sys:user.home}}/.colony}/bootstrap",
            description = "Data dir: key, colony id, ledger (default ${DEFAULT-VALUE}).")
    Path data;
    @Option(names = "--join", paramLabel = "TOKEN", description = "Join token, or @FILE holding it (first start).")
    String join;
    @Option(names = "--colony", paramLabel = "ID", description = "Colony id; default: the data dir's colony.id file.")
    String colony;
    @Option(names = "--api-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address of the HTTP API if enabled (default ${DEFAULT-VALUE}).")
    String apiHost;
    @Option(names = "--api-port", paramLabel = "PORT", defaultValue = "-1",
            description = "Port of the HTTP API, 0 for any free port, -1 for none (default ${DEFAULT-VALUE}).")
    int apiPort;
    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file (Java properties; default: DATA_DIR/colony.conf if it exists). See 'colony node config'.")
    Path config;
    @Mixin
    P2pOptions p2p = new P2pOptions();
    @Mixin
    LogOptions logs = new LogOptions();
    @Mixin
    ApiOptions api = new ApiOptions();

    /**
     * Fills the options not given as flags from {@code env} and the config file, like {@code node
     * start} (flag > environment > config file > default): api.host, api.port (-1 for none, the
     * default here), p2p.*, log.*; a bootstrap peer has no executor, so executor.* and lease.ms are
     * not used.
     */
    void configure(Map<String, String> env) {
        NodeSettings s = NodeSettings.load(data, config, env);
        Predicate<String> given = NodeSettings.flagsGiven(spec);
        s.override(NodeSettings.Key.API_HOST, given, t -> t).ifPresent(v -> apiHost = v);
        s.override(NodeSettings.Key.API_PORT, given, NodeSettings.intIn(-1, 65535)).ifPresent(v -> apiPort = v);
        p2p.fill(s, given);
        logs.fill(s, given);
        api.fill(s, given);
        s.override(NodeSettings.Key.EXECUTOR_NAME, given, t -> t).ifPresent(v -> keptName = v);
    }

    /** The node's name kept in the config file (executor.name: the --name of its invitation), or null. */
    private String keptName;

    @Override
    public Integer call() {
        configure(System.getenv());
        logs.apply();
        if (apiPort < -1 || apiPort > 65535) {
            throw new IllegalArgumentException("--api-port must be in 0..65535, or -1 for none");
        }
        if (p2p.port == -1) {
            throw new IllegalArgumentException("a bootstrap peer needs its peer-to-peer port (--p2p-port)");
        }
        DataDirLock lock = DataDirLock.acquire(data);
        Node node;
        String invitedName;
        try {
            DataDir dir = DataDir.prepare(data, colony, join, p2p.bootstrapGiven());
            invitedName = dir.invitedName().isEmpty() && keptName != null ? keptName : dir.invitedName();
            NodeConfig config = NodeConfig.of(data, dir.colonyId())
                    .withApi(apiHost, apiPort)
                    .withApiSettings(api.settings())
                    .withExecutor(null, invitedName.isEmpty() ? null : invitedName, 1)
                    .withNetwork(p2p.settings("0.0.0.0", dir.bootstrap(), dir.ownAdmit()));
            node = Node.start(config);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        KeptSettings.keep(data, config, spec, java.util.Map.of(NodeSettings.Key.EXECUTOR_NAME, invitedName));
        NodeRunner.printStarted(spec.commandLine().getOut(), "", node);
        return NodeRunner.runUntilStopped(node, lock);
    }
}
