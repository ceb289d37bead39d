package io.colony.node.vote;

import io.colony.protocol.Hex;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link VoteTable} in memory only: for tests and simulations where a restart keeps the object. */
public final class MemoryVoteTable implements VoteTable {
    private final Map<String, VoteEntry> entries = new ConcurrentHashMap<>();

    @Override
    public VoteEntry get(byte[] processId) {
        return entries.get(Hex.encode(processId));
    }

    @Override
    public void put(VoteEntry entry) {
        entries.put(Hex.encode(entry.processId()), entry);
    }

    @Override
    public int size() {
        return entries.size();
    }

    @Override
    public void close() {
    }
}
