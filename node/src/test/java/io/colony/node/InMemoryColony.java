package io.colony.node;

import static org.awaitility.Awaitility.await;

import io.colony.node.cluster.ColonyNetwork;
import io.colony.node.cluster.PeerNetworkFactory;
import io.colony.node.lease.LeaseConfig;
import io.colony.node.net.memory.InMemoryHub;
import io.colony.node.time.RealTimeScheduler;
import io.colony.protocol.Identity;
import io.colony.protocol.Ids;
import io.colony.protocol.ProcessView;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A colony of real {@link Node}s in this JVM, joined by an {@link InMemoryHub} on the wall clock
 * instead of libp2p over TCP: the owner, one user, and nodes started one by one or as a whole
 * colony. Register it as a JUnit extension ({@code @RegisterExtension}); every node is closed and
 * the data directories removed after each test.
 *
 * <p>For tests about what nodes do together (replication, leases, workflows, policies). Tests about
 * the network itself (libp2p, connection gating) stay on real sockets.
 */
public final class InMemoryColony implements BeforeEachCallback, AfterEachCallback {

    /** How long a test waits for the colony to agree. */
    public static final Duration WAIT = Duration.ofSeconds(60);

    public final Identity owner = Identity.generate();
    public final RecordFactory ownerRecords = new RecordFactory(owner, owner.publicKey());
    public final Identity user = Identity.generate();
    public final RecordFactory userRecords = new RecordFactory(user, owner.publicKey());
    /** The running nodes, in start order; a test that stops one removes it. */
    public final List<Node> nodes = new CopyOnWriteArrayList<>();

    private RealTimeScheduler scheduler;
    private InMemoryHub hub;
    private Path root;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        scheduler = new RealTimeScheduler();
        hub = new InMemoryHub(scheduler, 1);
        root = Files.createTempDirectory("colony-nodes");
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        nodes.forEach(Node::close);
        nodes.clear();
        scheduler.close();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** A directory for test files, removed after the test. */
    public Path dir() {
        return root;
    }

    /**
     * Starts node {@code name} with a new key admitted by the owner, no API, 3 s leases, joining
     * through {@code bootstrap}; {@code config} sets the executor and anything else.
     */
    public Node start(String name, List<String> bootstrap, UnaryOperator<NodeConfig> config) {
        Identity key = Identity.generate();
        Path dir = root.resolve(name);
        KeyFiles.write(dir.resolve("node.key"), key);
        SignedRecord admit = ownerRecords.admit(System.currentTimeMillis(), key.publicKey(), Role.NODE, name, 0);
        NodeConfig base = NodeConfig.of(dir, owner.memberId())
                .withApi("127.0.0.1", -1)
                .withLease(LeaseConfig.of(3_000, 300))
                .withNetwork(ColonyNetwork.Settings.of(network(), bootstrap, admit));
        return add(Node.start(config.apply(base)));
    }

    /** Starts a node again from its config (same data directory and key). */
    public Node restart(NodeConfig config) {
        return add(Node.start(config));
    }

    /**
     * Starts nodes n0..n(size-1): n0 alone (and admits the user there), the others through n0;
     * {@code config} gets each node's index. Returns once all are connected to each other and know
     * the user.
     */
    public List<Node> colony(int size, IndexedConfig config) {
        Node first = start("n0", List.of(), c -> config.apply(0, c));
        first.applyRecords(List.of(ownerRecords.admit(System.currentTimeMillis(), user.publicKey(), Role.USER, "u", 0)))
                .join();
        for (int i = 1; i < size; i++) {
            int index = i;
            start("n" + i, addresses(first), c -> config.apply(index, c));
        }
        await().atMost(WAIT).until(() -> nodes.stream().allMatch(n -> peerCount(n) == size - 1));
        await().atMost(WAIT).until(() -> nodes.stream().allMatch(n -> n.isMember(user.publicKey()).join()));
        return nodes;
    }

    /** The addresses other nodes can join {@code node} through. */
    @SuppressWarnings("unchecked")
    public static List<String> addresses(Node node) {
        return (List<String>) node.info().join().get("addresses");
    }

    /** How many member peers {@code node} is connected to. */
    public static int peerCount(Node node) {
        return ((List<?>) node.info().join().get("peers")).size();
    }

    /** A process as {@code node} sees it. */
    public static Optional<ProcessView> process(Node node, String id) {
        return node.process(Ids.parseProcessId(id)).join();
    }

    private PeerNetworkFactory network() {
        return identity -> hub.createNode(identity.memberId(), identity.publicKey());
    }

    private Node add(Node node) {
        nodes.add(node);
        return node;
    }

    /** The config of the node with an index, from the colony's base config. */
    @FunctionalInterface
    public interface IndexedConfig {
        NodeConfig apply(int index, NodeConfig base);
    }

    /** A file under {@link #dir()} with this text. */
    public Path file(String name, String text) {
        try {
            return Files.writeString(root.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
