package io.colony.node.net.gossip;

import io.colony.node.net.PeerNetwork.MessageHandler;
import io.colony.node.net.PeerNetwork.MessageValidator;
import io.colony.node.net.libp2p.pb.RPC;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thread-safe shell around a {@link GossipRouter}, shared by the {@code PeerNetwork}
 * implementations: serialises calls into the router, and runs subscriber handlers after the router
 * call returned, outside its lock, so a handler may publish.
 */
public final class GossipService {

    /** Carries the router's output to the network. Called under the service lock: never block. */
    @FunctionalInterface
    public interface Transport {
        void send(String peer, RPC rpc);
    }

    private record Delivery(String topic, String author, byte[] data) {
    }

    private static final Logger log = LoggerFactory.getLogger(GossipService.class);

    private final GossipRouter router;
    private final Map<String, MessageHandler> handlers = new ConcurrentHashMap<>();
    private final List<Delivery> pending = new ArrayList<>();

    public GossipService(String self, GossipConfig config, Clock clock, Random random, MessageSigner signer,
            Transport transport) {
        GossipOutbox outbox = new GossipOutbox() {
            @Override
            public void send(String peer, RPC rpc) {
                transport.send(peer, rpc);
            }

            @Override
            public void deliver(String topic, String author, String receivedFrom, byte[] data) {
                pending.add(new Delivery(topic, author, data));
            }
        };
        this.router = new GossipRouter(self, config, clock, random, signer, outbox);
    }

    public GossipConfig config() {
        return router.config();
    }

    public void addPeer(String peer, boolean outbound) {
        run(() -> router.addPeer(peer, outbound));
    }

    /** Sends a connected peer our subscriptions again (it may have dropped them before it trusted us). */
    public void announceSubscriptions(String peer) {
        run(() -> router.announceSubscriptions(peer));
    }

    public void removePeer(String peer) {
        run(() -> router.removePeer(peer));
    }

    public void handleRpc(String peer, RPC rpc) {
        run(() -> router.handleRpc(peer, rpc));
    }

    public void heartbeat() {
        run(router::heartbeat);
    }

    /** Joins a topic; the handler gets accepted messages with their author's peer id. */
    public void subscribe(String topic, MessageValidator validator, MessageHandler handler) {
        MessageHandler previous = handlers.put(topic, handler);
        try {
            run(() -> router.subscribe(topic, validator));
        } catch (RuntimeException e) {
            if (previous == null) {
                handlers.remove(topic, handler);
            }
            throw e;
        }
    }

    public void unsubscribe(String topic) {
        run(() -> router.unsubscribe(topic));
        handlers.remove(topic);
    }

    /** Publishes; returns the number of peers the message went to directly. */
    public int publish(String topic, byte[] data) {
        synchronized (router) {
            return router.publish(topic, data);
        }
    }

    /** Reads router state under the lock (for metrics and tests). */
    public <T> T inspect(Function<GossipRouter, T> query) {
        synchronized (router) {
            return query.apply(router);
        }
    }

    private void run(Runnable action) {
        List<Delivery> ready;
        synchronized (router) {
            action.run();
            if (pending.isEmpty()) {
                return;
            }
            ready = new ArrayList<>(pending);
            pending.clear();
        }
        for (Delivery d : ready) {
            MessageHandler h = handlers.get(d.topic);
            if (h == null) {
                continue;
            }
            try {
                h.onMessage(d.author, d.data);
            } catch (RuntimeException e) {
                log.warn("handler of topic {} failed", d.topic, e);
            }
        }
    }
}
