package io.colony.node.net.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Gossip depends on no transport: the libp2p adapters live on the libp2p side (no package cycle). */
class GossipPackageDependenciesTest {

    private static final Path SOURCES = Path.of("src/main/java/io/colony/node/net/gossip");

    @Test
    void gossipImportsOnlyTheWireMessagesOfLibp2p() throws IOException {
        List<String> offending;
        try (Stream<Path> files = Files.list(SOURCES)) {
            offending = files.filter(f -> f.toString().endsWith(".java"))
                    .flatMap(GossipPackageDependenciesTest::imports)
                    .filter(line -> line.contains("import io.colony.node.net.libp2p.")
                            && !line.contains("import io.colony.node.net.libp2p.pb."))
                    .toList();
        }
        assertEquals(List.of(), offending);
    }

    /** The import lines of {@code file}, each after the file's name. */
    private static Stream<String> imports(Path file) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(line -> line.startsWith("import "))
                    .map(line -> file.getFileName() + ": " + line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
