package io.colony.protocol;

/**
 * One record in a process's history, in fold order.
 *
 * @param timeMs the record's timestamp
 * @param kind record kind, lower case ({@code submit}, {@code claim}, ...)
 * @param attempt the attempt the record names (0 if none)
 * @param who member id of the signer
 * @param detail what it did, e.g. {@code "WAITING -> RUNNING"}, or {@code "ignored: <why>"}
 * @param recordId the record's id (hex)
 */
public record ProcessEvent(long timeMs, String kind, int attempt, String who, String detail, String recordId) {

    /** True if the record was kept but had no effect. */
    public boolean ignored() {
        return detail != null && detail.startsWith("ignored");
    }
}
