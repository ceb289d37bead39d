package io.colony.cli;

import io.colony.node.DataDirLock;
import io.colony.node.DevColony;
import io.colony.node.Node;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
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
@Command(name = "dev", description = {"Start a development colony's first node with a 'cli' executor.",
        "Prints the export lines to paste into another terminal (COLONY_BOOTSTRAP: its peer addresses, for",
        "'colony node start --join'); Ctrl-C stops it; the data dir is reused.",
        "Settings: flag > environment > DATA_DIR/colony.conf (or --config) > default, as for 'node start'."})
final class DevCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:COLONY_DEV_DATA:-${env:COLONY_HOME:-${env:HOME:-${sys:user.home}}/.colony}/dev}",
            description = "Data dir of the dev colony (env COLONY_DEV_DATA; default ${DEFAULT-VALUE}: $COLONY_HOME/dev, else $HOME/.colony/dev).")
    Path data;
    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file (Java properties; default: DATA_DIR/colony.conf if it exists). See 'colony node config'.")
    Path config;
    @Mixin
    NodeCommand.RunOptions run = new NodeCommand.RunOptions();
    @Mixin
    P2pOptions p2p = new P2pOptions();
    @Mixin
    LogOptions logs = new LogOptions();

    /**
     * Fills the options not given as flags from {@code env} and the config file, like {@code node
     * start} (flag > environment > config file > default); p2p.bootstrap is not used by dev.
     */
    void configure(Map<String, String> env) {
        NodeSettings s = NodeSettings.load(data, config, env);
        Predicate<String> given = NodeSettings.flagsGiven(spec);
        run.fill(s, given);
        p2p.fill(s, given);
        logs.fill(s, given);
    }

    @Override
    public Integer call() {
        configure(System.getenv());
        logs.apply();
        DataDirLock lock = DataDirLock.acquire(data);
        Node node;
        DevColony dev;
        try {
            DataDir.checkDevDir(data);
            dev = DevColony.prepare(data);
            node = Node.start(run.apply(dev.nodeConfig()).withNetwork(p2p.settings("127.0.0.1", List.of(), null)));
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        KeptSettings.keep(data, config, spec);
        dev.admitMembers(node);
        PrintWriter out = spec.commandLine().getOut();
        String host = run.apiHost.equals("0.0.0.0") ? "127.0.0.1" : run.apiHost;
        out.println("# Colony dev node running (colony " + dev.colonyId() + ", data " + data + ").");
        out.println(node.config().execPolicy().allowsEverything()
                ? "# This dev node runs any program submitted to it (--allow restricts it; 'node start' runs only what --allow allows)."
                : "# This dev node runs only: " + node.config().execPolicy() + ".");
        out.println("# In another terminal, paste:");
        out.println("export COLONY_HOST=" + host);
        out.println("export COLONY_PORT=" + node.apiPort());
        out.println("export COLONY_PRVKEY=" + dev.user().privateKeyHex());
        if (node.apiTlsFingerprint() != null) {
            out.println("export COLONY_TLS_FINGERPRINT=" + node.apiTlsFingerprint());
        }
        List<String> peers = NodeRunner.addresses(node);
        if (!peers.isEmpty()) {
            out.println("export COLONY_BOOTSTRAP=" + String.join(",", peers));
        }
        out.println("# then e.g.: ./colony process submit --spec sayhello.json --wait");
        if (!peers.isEmpty()) {
            out.println("# another node on this machine: ./colony node start --data DIR2 --api-port "
                    + freePortAfter(node.apiPort()) + " --p2p-port " + freePortAfter(p2pPort(peers))
                    + " --allow echo --join \"$(./colony member invite --data " + data + " --port " + node.apiPort() + ")\"");
        }
        out.println("# Owner key (admits members): " + data.resolve(DevColony.OWNER_KEY) + ". Ctrl-C stops the node.");
        out.flush();
        return NodeRunner.runUntilStopped(node, lock);
    }

    /** The TCP port of the first {@code /tcp/PORT} address, or 4001. */
    static int p2pPort(List<String> addresses) {
        for (String a : addresses) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("/tcp/(\\d+)").matcher(a);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return 4001;
    }

    /** The first port after {@code port} that nothing listens on here (for the hint line). */
    static int freePortAfter(int port) {
        for (int p = port + 1; p <= Math.min(65535, port + 200); p++) {
            try (java.net.ServerSocket s = new java.net.ServerSocket()) {
                s.bind(new java.net.InetSocketAddress("0.0.0.0", p));
                return p;
            } catch (java.io.IOException e) {
                // taken: try the next
            }
        }
        return 0;
    }
}
