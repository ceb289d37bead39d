package io.colony.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.net.PeerNetwork.Validation;
import io.colony.node.net.memory.InMemoryHub;
import io.colony.node.net.memory.InMemoryNetwork;
import io.colony.node.net.memory.LinkModel;
import io.colony.node.time.VirtualScheduler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-memory network as the simulator uses it: virtual time, traffic accounting, fresh joins. */
class InMemoryHubOnVirtualTimeTest {

    @Test
    void aNodeThatJustDialledKnowsItsPeersTopicsAndPublishesToThem() {
        VirtualScheduler s = new VirtualScheduler(0);
        InMemoryHub hub = new InMemoryHub(s, 3);
        hub.setLinkModel(LinkModel.latency(10, 0));
        long[] traffic = new long[2];
        hub.setTrafficObserver((from, to, bytes) -> {
            traffic[0]++;
            traffic[1] += bytes;
        });
        InMemoryNetwork a = hub.createNode("a");
        InMemoryNetwork b = hub.createNode("b");
        List<String> received = new ArrayList<>();
        a.start();
        b.start();
        a.subscribe("t", (p, d) -> Validation.ACCEPT, (p, d) -> { });
        b.subscribe("t", (p, d) -> Validation.ACCEPT, (p, d) -> received.add(new String(d)));
        a.connect(b.listenAddresses().get(0));
        s.runUntil(100); // well before the first gossip heartbeat builds a mesh
        assertEquals(1, a.publish("t", "hello".getBytes()), "the dialler learned b's subscription");
        s.runUntil(200);
        assertEquals(List.of("hello"), received);
        assertTrue(traffic[0] >= 4 && traffic[1] > "hello".length(), "transmissions and bytes observed");
    }
}
