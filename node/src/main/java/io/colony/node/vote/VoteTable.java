package io.colony.node.vote;

import java.io.IOException;

/**
 * A voter's memory of its votes, one {@link VoteEntry} per process (the latest replaces the earlier).
 * {@link #put} returns only once the entry is durable: a voter answers after it, so that a restart
 * cannot make it vote twice for one attempt. Thread-safe.
 */
public interface VoteTable extends AutoCloseable {
    /** The entry of a process, or null. */
    VoteEntry get(byte[] processId);

    /** Records {@code entry} (replacing the process's earlier one) durably before returning. */
    void put(VoteEntry entry) throws IOException;

    /** Number of processes with an entry. */
    int size();

    @Override
    void close() throws IOException;
}
