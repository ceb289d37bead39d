package io.colony.node;

import io.colony.node.api.ApiSettings;
import io.colony.node.cluster.ColonyNetwork;
import io.colony.node.exec.ExecLimits;
import io.colony.node.exec.ExecPolicy;
import io.colony.node.exec.Runner;
import io.colony.node.lease.LeaseConfig;
import io.colony.node.ledger.LedgerConfig;
import io.colony.node.ledger.Resources;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How to run a node. Build with {@link #of(Path, String)} and the {@code with...} methods.
 *
 * @param dataDir       keys, ledger file and watchdog file (see README, "Data directory")
 * @param colonyId      the colony id (owner's public key, 64 hex)
 * @param apiHost       address of the HTTP API (loopback by default)
 * @param apiPort       port of the HTTP API, 0 for any free port, -1 for no API
 * @param executorType  type of the built-in executor ({@code cli}), {@code null} for none
 * @param executorName  name of the built-in executor; {@code null}: derived from the node key
 * @param capacity      processes the built-in executor runs in parallel
 * @param tickMs        period of the timeout/lease tick
 * @param lease         lease timing of the built-in executor and of assignments to external executors
 * @param ledger        ledger constants (must match the other nodes of the colony)
 * @param execLimits    bounds on what child processes print
 * @param runner        replaces the operating-system runner (benchmarks, tests); {@code null} normally
 * @param network       the colony's peer-to-peer network; {@code null} for a node that runs alone
 * @param resources     cpu, memory and gpus the built-in executor offers to {@code conditions}
 * @param apiSettings   TLS, allowed hosts and limits of the HTTP API
 * @param execPolicy    what the built-in {@code cli} executor may run, and as whom (default: nothing)
 */
public record NodeConfig(Path dataDir, String colonyId, String apiHost, int apiPort, String executorType,
                         String executorName, int capacity, long tickMs, LeaseConfig lease, LedgerConfig ledger,
                         ExecLimits execLimits, Runner runner,
                         ColonyNetwork.Settings network, Resources resources, ApiSettings apiSettings,
                         ExecPolicy execPolicy) {

    /** Default API port. */
    public static final int DEFAULT_API_PORT = 50080;

    /** Checks the values; a blank executor type means none. */
    public NodeConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(colonyId, "colonyId");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1");
        }
        if (apiPort < -1 || apiPort > 65535) {
            throw new IllegalArgumentException("api port must be in 0..65535");
        }
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(apiSettings, "apiSettings");
        Objects.requireNonNull(execPolicy, "execPolicy");
        if (executorType != null && executorType.isBlank()) {
            executorType = null;
        }
    }

    /**
     * Defaults: API on 127.0.0.1:50080, a {@code cli} executor with one slot per core, 100 ms tick,
     * default lease and ledger constants.
     */
    public static NodeConfig of(Path dataDir, String colonyId) {
        return new NodeConfig(dataDir, colonyId, "127.0.0.1", DEFAULT_API_PORT, "cli", null,
                Runtime.getRuntime().availableProcessors(), 100, LeaseConfig.defaults(), LedgerConfig.defaults(),
                ExecLimits.DEFAULT, null, null, Resources.ofThisMachine(), ApiSettings.defaults(),
                ExecPolicy.denyAll());
    }

    /** This config with the API on {@code host:port} (0: any free port, -1: no API). */
    public NodeConfig withApi(String host, int port) {
        return new NodeConfig(dataDir, colonyId, host, port, executorType, executorName, capacity, tickMs, lease,
                ledger, execLimits, runner, network, resources, apiSettings, execPolicy);
    }

    /** This config with a built-in executor of {@code type} ({@code null}: none), name and capacity. */
    public NodeConfig withExecutor(String type, String name, int capacity) {
        return new NodeConfig(dataDir, colonyId, apiHost, apiPort, type, name, capacity, tickMs, lease, ledger,
                execLimits, runner, network, resources, apiSettings, execPolicy);
    }

    /** This config with other lease timing. */
    public NodeConfig withLease(LeaseConfig lease) {
        return new NodeConfig(dataDir, colonyId, apiHost, apiPort, executorType, executorName, capacity, tickMs,
                lease, ledger, execLimits, runner, network, resources, apiSettings, execPolicy);
    }

    /** This config with other ledger constants. */
    public NodeConfig withLedger(LedgerConfig ledger) {
        return new NodeConfig(dataDir, colonyId, apiHost, apiPort, executorType, executorName, capacity, tickMs,
                lease, ledger, execLimits, runner, network, resources, apiSettings, execPolicy);
    }

    /** This config with another tick period. */
    public NodeConfig withTick(long tickMs) {
        return new NodeConfig(dataDir, colonyId, apiHost, apiPort, executorType, executorName, capacity, tickMs,
                lease, ledger, execLimits, runner, network, resources, apiSettings, execPolicy);
    }

    /** This config with another runner (no-op benchmarks, tests). */
    public NodeConfig withRunner(Runner runner) {
        return new NodeConfig(dataDir, colonyId, apiHost, apiPort, executorType, executorName, capacity, tickMs,
                lease, ledger, execLimits, runner, network, resources, apiSettings, execPolicy);
    }

    /** This config joined to a peer-to-peer network ({@code null}: the node runs alone). */
    public NodeConfig withNetwork(ColonyNetwork.Settings network) {
        return new NodeConfig(dataDir, colonyId, apiHost, apiPort, executorType, executorName, capacity, tickMs,
                lease, ledger, execLimits, runner, network, resources, apiSettings, execPolicy);
    }

    /** This config with other resources offered by the built-in executor (default: this machine's). */
    public NodeConfig withResources(Resources resources) {
        return new NodeConfig(dataDir, colonyId, apiHost, apiPort, executorType, executorName, capacity, tickMs,
                lease, ledger, execLimits, runner, network, resources, apiSettings, execPolicy);
    }

    /** This config with other HTTP API settings (TLS, allowed hosts, limits). */
    public NodeConfig withApiSettings(ApiSettings apiSettings) {
        return new NodeConfig(dataDir, colonyId, apiHost, apiPort, executorType, executorName, capacity, tickMs,
                lease, ledger, execLimits, runner, network, resources, apiSettings, execPolicy);
    }

    /**
     * This config with another policy for the {@code cli} executor: what it may run ({@link
     * ExecPolicy#denyAll()} by default) and as which OS user.
     */
    public NodeConfig withExecPolicy(ExecPolicy execPolicy) {
        return new NodeConfig(dataDir, colonyId, apiHost, apiPort, executorType, executorName, capacity, tickMs,
                lease, ledger, execLimits, runner, network, resources, apiSettings, execPolicy);
    }

    /** The node's private key file. */
    public Path nodeKeyFile() {
        return dataDir.resolve("node.key");
    }

    /** The ledger (MapDB) file. */
    public Path ledgerFile() {
        return dataDir.resolve("ledger.db");
    }

    /** The watchdog file listing running child process groups. */
    public Path watchdogFile() {
        return dataDir.resolve("children.pgids");
    }
}
