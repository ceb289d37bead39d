package io.colony.node.net.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.colony.node.net.PeerNetwork.Validation;
import io.colony.node.time.VirtualScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** On a virtual-time scheduler the in-memory network is reproducible and cheap at a few hundred nodes. */
class InMemoryDeterminismTest {

    private static final String TOPIC = "ledger";

    /** Returns the delivery trace: time, node, message. */
    private static List<String> simulate(long seed, int nodes, int messages) {
        VirtualScheduler scheduler = new VirtualScheduler(0);
        InMemoryHub hub = new InMemoryHub(scheduler, seed);
        hub.setLinkModel(LinkModel.latency(20, 30).withLoss(0.05));
        List<String> trace = new ArrayList<>();
        List<InMemoryNetwork> net = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            InMemoryNetwork n = hub.createNode("n" + i);
            n.start();
            n.subscribe(TOPIC, (from, data) -> Validation.ACCEPT,
                    (from, data) -> trace.add(scheduler.now() + " " + n.selfId() + " " + new String(data)));
            net.add(n);
        }
        Random rnd = new Random(seed);
        for (int i = 1; i < nodes; i++) {
            net.get(i).connect("/memory/n" + rnd.nextInt(i));
            for (int k = 0; k < 4; k++) {
                int j = rnd.nextInt(nodes);
                if (j != i) {
                    net.get(i).connect("/memory/n" + j);
                }
            }
        }
        scheduler.runUntil(scheduler.now() + 5_000);
        for (int m = 0; m < messages; m++) {
            net.get(rnd.nextInt(nodes)).publish(TOPIC, ("m" + m).getBytes());
            scheduler.runUntil(scheduler.now() + 100);
        }
        scheduler.runUntil(scheduler.now() + 10_000);
        net.forEach(InMemoryNetwork::close);
        return trace;
    }

    @Test
    void sameSeedSameRunDifferentSeedDifferentRun() {
        List<String> a = simulate(11, 60, 10);
        assertEquals(a, simulate(11, 60, 10));
        assertNotEquals(a, simulate(12, 60, 10));
    }

    @Test
    void threeHundredNodesDeliverEverything() {
        int nodes = 300;
        int messages = 20;
        List<String> trace = simulate(5, nodes, messages);
        assertEquals((long) (nodes - 1) * messages, trace.size());
    }
}
