package io.colony.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code colony node config}: every setting of {@code node start} with its effective value (without
 * flags) and where it comes from; checks the config file and the environment like {@code node start}.
 */
@Command(name = "config", description = {"Show every node setting with its value and where the value comes from.",
        "Each with its source (flag, env, file or default), flag and environment variable. Precedence: flag > environment > config file > default.",
        "The config file is DATA_DIR/colony.conf (or --config FILE), Java properties, e.g.:",
        "  api.port = 50080", "  executor.capacity = 2", "  p2p.bootstrap = /ip4/10.0.0.1/tcp/4001/p2p/12D3Koo...",
        "  executor.allow = echo,/usr/bin/python3 /opt/jobs/*",
        "The cli executor runs only what executor.allow (--allow, repeatable) names: a program name (looked up on",
        "PATH=" + io.colony.node.exec.ExecPolicy.CLEAN_PATH + "), an absolute path or *, each optionally followed",
        "by a glob over its arguments; shell: true needs /bin/sh allowed. Without it 'node start' runs nothing",
        "(the node claims no process; another node may run it); 'colony dev' runs everything. Children get a clean",
        "environment: PATH, HOME, USER, LOGNAME, LANG=C.UTF-8, TMPDIR=/tmp, COLONY_* and the spec's env (which may",
        "not set PATH, LD_*, DYLD_*, IFS, ENV, BASH_ENV, interpreter path variables or COLONY_*);",
        "executor.run-as USER runs them as that user (the node runs as root; keys stay unreadable to them)."})
final class NodeConfigCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:COLONY_DATA:-${env:COLONY_HOME:-${env:HOME:-${sys:user.home}}/.colony}/node}",
            description = "Data dir (env COLONY_DATA, default ${DEFAULT-VALUE}).")
    Path data;
    @Option(names = "--config", paramLabel = "FILE", description = "Config file (default: DATA_DIR/colony.conf).")
    Path config;
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        NodeSettings s = NodeSettings.load(data, config, System.getenv());
        // the same checks as 'node start': a bad value is an error here too
        new NodeCommand.RunOptions().fill(s, f -> false);
        new P2pOptions().fill(s, f -> false);
        new LogOptions().fill(s, f -> false);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (NodeSettings.Key k : NodeSettings.Key.values()) {
                NodeSettings.Value v = s.effective(k);
                m.put(k.key, Map.of("value", v.text(), "source", v.source(), "flag", k.flag, "env", k.env,
                        "default", k.defaultValue));
            }
            Printer.json(out, m);
            return 0;
        }
        out.println("# config file: " + s.file());
        out.printf("%-18s %-34s %-26s %-16s %s%n", "KEY", "VALUE", "SOURCE", "FLAG", "ENV");
        for (NodeSettings.Key k : NodeSettings.Key.values()) {
            NodeSettings.Value v = s.effective(k);
            String source = v.source().startsWith("file ") ? "file" : v.source();
            out.printf("%-18s %-34s %-26s %-16s %s%n", k.key, v.text(), source, k.flag, k.env);
        }
        if (s.lookup(NodeSettings.Key.ALLOW).isEmpty()) {
            out.println("# executor.allow is not set: 'node start' runs no program (add --allow PATTERN or executor.allow)");
        }
        return 0;
    }
}
