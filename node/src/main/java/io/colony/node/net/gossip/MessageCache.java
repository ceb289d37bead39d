package io.colony.node.net.gossip;

import com.google.protobuf.ByteString;
import io.colony.node.net.libp2p.pb.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The gossipsub message cache: recent messages in heartbeat windows, the newest windows advertised
 * in IHAVE gossip, all of them served on IWANT. Not thread-safe.
 */
final class MessageCache {

    private static final class Entry {
        final ByteString id;
        final Message message;
        Map<String, Integer> iwantCounts;

        Entry(ByteString id, Message message) {
            this.id = id;
            this.message = message;
        }
    }

    private final int gossipWindows;
    private final ArrayDeque<List<Entry>> windows = new ArrayDeque<>();
    private final Map<ByteString, Entry> byId = new HashMap<>();

    MessageCache(int length, int gossipWindows) {
        this.gossipWindows = gossipWindows;
        for (int i = 0; i < length; i++) {
            windows.addLast(new ArrayList<>());
        }
    }

    void put(ByteString id, Message message) {
        if (byId.containsKey(id)) {
            return;
        }
        Entry e = new Entry(id, message);
        byId.put(id, e);
        windows.peekFirst().add(e);
    }

    Message get(ByteString id) {
        Entry e = byId.get(id);
        return e == null ? null : e.message;
    }

    /**
     * Returns the message for an IWANT from {@code peer}, or null if unknown or already sent to that
     * peer {@code maxTransmissions} times.
     */
    Message getForPeer(ByteString id, String peer, int maxTransmissions) {
        Entry e = byId.get(id);
        if (e == null) {
            return null;
        }
        if (e.iwantCounts == null) {
            e.iwantCounts = new HashMap<>(4);
        }
        int count = e.iwantCounts.merge(peer, 1, Integer::sum);
        return count <= maxTransmissions ? e.message : null;
    }

    /** Ids of the messages of a topic in the gossip windows, newest first. */
    List<ByteString> gossipIds(String topic) {
        List<ByteString> ids = new ArrayList<>();
        int n = 0;
        for (List<Entry> window : windows) {
            if (n++ >= gossipWindows) {
                break;
            }
            for (Entry e : window) {
                if (e.message.getTopic().equals(topic)) {
                    ids.add(e.id);
                }
            }
        }
        return ids;
    }

    /** Moves to the next window, forgetting the oldest one. */
    void shift() {
        for (Entry e : windows.removeLast()) {
            byId.remove(e.id);
        }
        windows.addFirst(new ArrayList<>());
    }

    int size() {
        return byId.size();
    }
}
