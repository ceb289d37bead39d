package io.colony.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * What a node was first started with, kept in its data dir: on the first start of a data dir (no
 * {@code colony.conf} yet) the flags given for the API, the peer-to-peer network and the executor are
 * written to {@code DATA_DIR/colony.conf}, so that a restart with {@code --data} only comes up the same
 * way. Flags still override the file; {@code colony node config} shows where each value comes from.
 */
final class KeptSettings {

    /** The settings kept: where a node listens and how its executor runs. */
    static final List<NodeSettings.Key> KEPT = List.of(NodeSettings.Key.API_HOST, NodeSettings.Key.API_PORT,
            NodeSettings.Key.P2P_HOST, NodeSettings.Key.P2P_PORT, NodeSettings.Key.EXECUTOR_TYPE,
            NodeSettings.Key.EXECUTOR_NAME, NodeSettings.Key.CAPACITY, NodeSettings.Key.CPU, NodeSettings.Key.MEMORY,
            NodeSettings.Key.GPU, NodeSettings.Key.LEASE_MS);

    private KeptSettings() {
    }

    /**
     * Writes the kept flags given on {@code spec}'s command line to {@code dataDir/colony.conf} if that file
     * does not exist and no {@code --config FILE} was given; does nothing otherwise.
     *
     * @return the file written, or null
     */
    static Path keep(Path dataDir, Path explicitConfig, CommandSpec spec) {
        return keep(dataDir, explicitConfig, spec, java.util.Map.of());
    }

    /** Like {@link #keep(Path, Path, CommandSpec)}, also writing {@code extra} values (keys whose flag was not given). */
    static Path keep(Path dataDir, Path explicitConfig, CommandSpec spec, java.util.Map<NodeSettings.Key, String> extra) {
        Path file = dataDir.resolve(NodeSettings.FILE_NAME);
        if (explicitConfig != null || Files.exists(file)) {
            return null;
        }
        ParseResult parsed = spec.commandLine().getParseResult();
        List<String> lines = new ArrayList<>();
        lines.add("# Written by the first start of this data dir (" + Instant.now() + ") from its flags;");
        lines.add("# later starts use these values unless a flag or environment variable overrides them.");
        lines.add("# See 'colony node config --data DIR'.");
        for (NodeSettings.Key k : KEPT) {
            OptionSpec o = parsed.matchedOption(k.flag);
            if (o != null && spec.findOption(k.flag) != null) {
                List<String> values = parsed.matchedOption(k.flag).stringValues();
                if (!values.isEmpty()) {
                    lines.add(k.key + " = " + values.get(values.size() - 1).strip());
                }
            }
        }
        extra.forEach((k, v) -> {
            if (parsed.matchedOption(k.flag) == null && v != null && !v.isBlank()) {
                lines.add(k.key + " = " + v.strip());
            }
        });
        try {
            Files.createDirectories(dataDir);
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }
}
