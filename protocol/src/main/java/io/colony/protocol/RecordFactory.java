package io.colony.protocol;

import io.colony.protocol.pb.Record;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.security.SecureRandom;
import java.util.List;

/**
 * Builds and signs records as one member of one colony. Thread-safe. Timestamps are passed in so
 * callers (and tests) control the clock.
 */
public final class RecordFactory {
    private final Identity identity;
    private final byte[] colony;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param identity the signer
     * @param colonyId the colony id (the owner's public key)
     */
    public RecordFactory(Identity identity, byte[] colonyId) {
        this.identity = identity;
        this.colony = colonyId.clone();
    }

    /** The signer. */
    public Identity identity() {
        return identity;
    }

    /** The colony id. */
    public byte[] colonyId() {
        return colony.clone();
    }

    /** Signs any body. */
    public SignedRecord sign(Record body) {
        return Records.sign(identity, body);
    }

    /** A signed Submit with a random nonce; its record id is the process id. */
    public SignedRecord submit(long nowMs, FunctionSpec spec) {
        return sign(Records.submit(colony, nowMs, spec, nonce()));
    }

    /** A signed SubmitWorkflow with a random nonce. */
    public SignedRecord workflow(long nowMs, List<FunctionSpec> specs) {
        SpecCodec.validateWorkflow(specs);
        return sign(Records.workflow(colony, nowMs, specs, nonce()));
    }

    /** A signed CronAdd: {@code specs} (one: a process, more: a workflow) at every time of {@code schedule}. */
    public SignedRecord cron(long nowMs, String name, List<FunctionSpec> specs, String schedule) {
        return sign(TriggerRecords.cron(colony, nowMs, name, specs, schedule, nonce()));
    }

    /** A signed GeneratorAdd. */
    public SignedRecord generator(long nowMs, String name, List<FunctionSpec> specs, int trigger, long timeoutMs) {
        return sign(TriggerRecords.generator(colony, nowMs, name, specs, trigger, timeoutMs, nonce()));
    }

    /** A signed GeneratorPack. */
    public SignedRecord pack(long nowMs, byte[] generatorId, String arg) {
        return sign(TriggerRecords.pack(colony, nowMs, generatorId, arg, nonce()));
    }

    /** A signed TriggerRemove of a cron or generator. */
    public SignedRecord removeTrigger(long nowMs, byte[] targetId) {
        return sign(TriggerRecords.remove(colony, nowMs, targetId));
    }

    /** A signed Claim. */
    public SignedRecord claim(long nowMs, byte[] processId, int attempt, String executorName, String executorType,
                              long leaseUntilMs) {
        return sign(Records.claim(colony, nowMs, processId, attempt, executorName, executorType, leaseUntilMs));
    }

    /** A signed Renew. */
    public SignedRecord renew(long nowMs, byte[] processId, int attempt, long leaseUntilMs) {
        return sign(Records.renew(colony, nowMs, processId, attempt, leaseUntilMs));
    }

    /** A signed Close. */
    public SignedRecord close(long nowMs, byte[] processId, int attempt, boolean success, List<String> output,
                              List<String> errors) {
        return sign(Records.close(colony, nowMs, processId, attempt, success, output, errors));
    }

    /** A signed Fail. */
    public SignedRecord fail(long nowMs, byte[] processId, int attempt, String reason, boolean isFinal) {
        return sign(Records.fail(colony, nowMs, processId, attempt, reason, isFinal));
    }

    /** A signed Cancel. */
    public SignedRecord cancel(long nowMs, byte[] processId, String reason) {
        return sign(Records.cancel(colony, nowMs, processId, reason));
    }

    /** A signed LogAppend. */
    public SignedRecord log(long nowMs, byte[] processId, int attempt, long seq, List<String> lines) {
        return sign(Records.log(colony, nowMs, processId, attempt, seq, lines));
    }

    /** A signed Admit (only counts if this factory's identity is the owner). */
    public SignedRecord admit(long nowMs, byte[] member, Role role, String name, long expiresMs) {
        return sign(Records.admit(colony, nowMs, member, role, name, expiresMs));
    }

    /** A signed Admit naming the member a voter or not (only counts if this factory's identity is the owner). */
    public SignedRecord admit(long nowMs, byte[] member, Role role, String name, long expiresMs, boolean voter) {
        return sign(Records.admit(colony, nowMs, member, role, name, expiresMs, voter));
    }

    /** A signed Revoke (only counts if this factory's identity is the owner). */
    public SignedRecord revoke(long nowMs, byte[] member, String reason) {
        return sign(Records.revoke(colony, nowMs, member, reason));
    }

    private byte[] nonce() {
        byte[] n = new byte[Records.NONCE_BYTES];
        random.nextBytes(n);
        return n;
    }
}
