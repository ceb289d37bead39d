package io.colony.protocol;

import io.colony.protocol.pb.Record;
import io.colony.protocol.pb.SignedRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed ledger record: the signed envelope, its body, and derived facts (id, kind, the processes it
 * concerns). Obtain one with {@link Records#open(SignedRecord)} (checks the signature) or
 * {@link Records#decode(SignedRecord)} (structure only, for records that were verified before).
 * Treat the arrays as read-only.
 *
 * @param signed the envelope as received
 * @param record the parsed body
 * @param id the record id ({@link Records#recordId(SignedRecord)}): bound to the signer, except for triggered submissions
 * @param kind record kind
 * @param processIds the processes it concerns: one for process records, one per spec for a workflow,
 *                   none for membership records
 */
public record DecodedRecord(SignedRecord signed, Record record, byte[] id, RecordKind kind, List<byte[]> processIds) {

    /** The signer's 32-byte public key. */
    public byte[] signer() {
        return signed.getSigner().toByteArray();
    }

    /** The signer's member id (hex). */
    public String signerId() {
        return Hex.encode(signer());
    }

    /** The signer's clock at signing, ms since the epoch. */
    public long timestampMs() {
        return record.getTimestampMs();
    }

    /** The colony id (owner's public key). */
    public byte[] colony() {
        return record.getColony().toByteArray();
    }

    /** The record id as hex. */
    public String idText() {
        return Hex.encode(id);
    }

    /** The single process this record concerns (the first for a workflow), or null for membership records. */
    public byte[] processId() {
        return processIds.isEmpty() ? null : processIds.get(0);
    }

    /** The attempt the record names, 0 if none. */
    public int attempt() {
        return switch (kind) {
            case CLAIM -> record.getClaim().getAttempt();
            case RENEW -> record.getRenew().getAttempt();
            case CLOSE -> record.getClose().getAttempt();
            case FAIL -> record.getFail().getAttempt();
            case LOG -> record.getLog().getAttempt();
            default -> 0;
        };
    }

    /**
     * The kind-specific fields as plain Java values (strings, numbers, booleans, lists), for display and
     * debugging without touching protobuf types.
     */
    public Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("kind", kind.name().toLowerCase());
        f.put("id", idText());
        f.put("signer", signerId());
        f.put("timestampMs", timestampMs());
        if (processId() != null) {
            f.put("processId", Hex.encode(processId()));
        }
        switch (kind) {
            case SUBMIT -> f.put("funcname", record.getSubmit().getSpec().getFuncname());
            case SUBMIT_WORKFLOW -> f.put("specs", record.getWorkflow().getSpecsCount());
            case CLAIM -> {
                f.put("attempt", record.getClaim().getAttempt());
                f.put("executorName", record.getClaim().getExecutorName());
                f.put("executorType", record.getClaim().getExecutorType());
                f.put("leaseUntilMs", record.getClaim().getLeaseUntilMs());
            }
            case RENEW -> {
                f.put("attempt", record.getRenew().getAttempt());
                f.put("leaseUntilMs", record.getRenew().getLeaseUntilMs());
            }
            case CLOSE -> {
                f.put("attempt", record.getClose().getAttempt());
                f.put("success", record.getClose().getSuccess());
                f.put("output", List.copyOf(record.getClose().getOutputList()));
                f.put("errors", List.copyOf(record.getClose().getErrorsList()));
            }
            case FAIL -> {
                f.put("attempt", record.getFail().getAttempt());
                f.put("reason", record.getFail().getReason());
                f.put("final", record.getFail().getFinal());
            }
            case CANCEL -> f.put("reason", record.getCancel().getReason());
            case LOG -> {
                f.put("attempt", record.getLog().getAttempt());
                f.put("seq", record.getLog().getSeq());
                f.put("lines", List.copyOf(record.getLog().getLinesList()));
            }
            case ADMIT -> {
                f.put("member", Hex.encode(record.getAdmit().getMember().toByteArray()));
                f.put("role", record.getAdmit().getRole().name());
                f.put("name", record.getAdmit().getName());
                f.put("expiresMs", record.getAdmit().getExpiresMs());
                f.put("voter", record.getAdmit().getVoter());
            }
            case REVOKE -> {
                f.put("member", Hex.encode(record.getRevoke().getMember().toByteArray()));
                f.put("reason", record.getRevoke().getReason());
            }
            default -> { }
        }
        return f;
    }
}
