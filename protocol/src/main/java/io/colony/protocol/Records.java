package io.colony.protocol;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.colony.protocol.pb.Admit;
import io.colony.protocol.pb.Cancel;
import io.colony.protocol.pb.Claim;
import io.colony.protocol.pb.Close;
import io.colony.protocol.pb.Fail;
import io.colony.protocol.pb.LogAppend;
import io.colony.protocol.pb.Record;
import io.colony.protocol.pb.Renew;
import io.colony.protocol.pb.Revoke;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import io.colony.protocol.pb.Submit;
import io.colony.protocol.pb.SubmitWorkflow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Building, signing, verifying and decoding ledger records.
 *
 * <p>{@code signature = Ed25519(signer, "colony-record-v1:" || body)}; record id =
 * SHA-256(0x00 || signer || body), or SHA-256(body) for a cron's or generator's submission (see
 * {@link #recordId(SignedRecord)}); a process id is the id of its Submit record; workflow member i has id
 * SHA-256(workflow record id || uint32 big-endian i). Bodies are at most {@link #MAX_RECORD_BYTES}.
 */
public final class Records {
    /** Domain-separation prefix of every record signature. */
    public static final byte[] SIGNING_PREFIX = "colony-record-v1:".getBytes(StandardCharsets.US_ASCII);
    /** Largest accepted record body. */
    public static final int MAX_RECORD_BYTES = 512 * 1024;
    /** Most lines in one LogAppend record. */
    public static final int MAX_LOG_LINES_PER_RECORD = 1000;
    /** Length of a Submit nonce. */
    public static final int NONCE_BYTES = 16;

    private Records() {
    }

    // ---- bodies ----

    /** A Submit body for a validated spec. */
    public static Record submit(byte[] colony, long timestampMs, FunctionSpec spec, byte[] nonce) {
        return base(colony, timestampMs).setSubmit(Submit.newBuilder().setSpec(SpecCodec.toProto(spec))
                .setNonce(ByteString.copyFrom(nonce))).build();
    }

    /** A SubmitWorkflow body; see {@link SpecCodec#validateWorkflow(List)}. */
    public static Record workflow(byte[] colony, long timestampMs, List<FunctionSpec> specs, byte[] nonce) {
        SubmitWorkflow.Builder w = SubmitWorkflow.newBuilder().setNonce(ByteString.copyFrom(nonce));
        specs.forEach(s -> w.addSpecs(SpecCodec.toProto(s)));
        return base(colony, timestampMs).setWorkflow(w).build();
    }

    /** A Claim body: attempt {@code attempt} (1-based) until {@code leaseUntilMs}. */
    public static Record claim(byte[] colony, long timestampMs, byte[] processId, int attempt, String executorName,
                               String executorType, long leaseUntilMs) {
        return base(colony, timestampMs).setClaim(Claim.newBuilder().setProcessId(ByteString.copyFrom(processId))
                .setAttempt(attempt).setExecutorName(executorName).setExecutorType(executorType)
                .setLeaseUntilMs(leaseUntilMs)).build();
    }

    /**
     * A Claim body by an executor offering resources: {@code cpuMillis} (1000 = one core), {@code memoryMb},
     * {@code gpus}; a process whose conditions require more is not claimed by it.
     */
    public static Record claim(byte[] colony, long timestampMs, byte[] processId, int attempt, String executorName,
                               String executorType, long leaseUntilMs, int cpuMillis, long memoryMb, int gpus) {
        return base(colony, timestampMs).setClaim(Claim.newBuilder().setProcessId(ByteString.copyFrom(processId))
                .setAttempt(attempt).setExecutorName(executorName).setExecutorType(executorType)
                .setLeaseUntilMs(leaseUntilMs).setCpuMillis(cpuMillis).setMemoryMb(memoryMb).setGpus(gpus)).build();
    }

    /** A Renew body. */
    public static Record renew(byte[] colony, long timestampMs, byte[] processId, int attempt, long leaseUntilMs) {
        return base(colony, timestampMs).setRenew(Renew.newBuilder().setProcessId(ByteString.copyFrom(processId))
                .setAttempt(attempt).setLeaseUntilMs(leaseUntilMs)).build();
    }

    /** A Close body. */
    public static Record close(byte[] colony, long timestampMs, byte[] processId, int attempt, boolean success,
                               List<String> output, List<String> errors) {
        return base(colony, timestampMs).setClose(Close.newBuilder().setProcessId(ByteString.copyFrom(processId))
                .setAttempt(attempt).setSuccess(success).addAllOutput(output).addAllErrors(errors)).build();
    }

    /** A Fail body. */
    public static Record fail(byte[] colony, long timestampMs, byte[] processId, int attempt, String reason,
                              boolean isFinal) {
        return base(colony, timestampMs).setFail(Fail.newBuilder().setProcessId(ByteString.copyFrom(processId))
                .setAttempt(attempt).setReason(reason).setFinal(isFinal)).build();
    }

    /** A Cancel body. */
    public static Record cancel(byte[] colony, long timestampMs, byte[] processId, String reason) {
        return base(colony, timestampMs).setCancel(Cancel.newBuilder()
                .setProcessId(ByteString.copyFrom(processId)).setReason(reason)).build();
    }

    /** A LogAppend body. */
    public static Record log(byte[] colony, long timestampMs, byte[] processId, int attempt, long seq,
                             List<String> lines) {
        return log(colony, timestampMs, processId, attempt, seq, lines, List.of());
    }

    /** A LogAppend body whose lines at {@code stderrLines} (indexes into {@code lines}) came from stderr. */
    public static Record log(byte[] colony, long timestampMs, byte[] processId, int attempt, long seq,
                             List<String> lines, List<Integer> stderrLines) {
        return base(colony, timestampMs).setLog(LogAppend.newBuilder().setProcessId(ByteString.copyFrom(processId))
                .setAttempt(attempt).setSeq(seq).addAllLines(lines).addAllStderrLines(stderrLines)).build();
    }

    /** An Admit body (signed by the owner). */
    public static Record admit(byte[] colony, long timestampMs, byte[] member, Role role, String name,
                               long expiresMs) {
        return admit(colony, timestampMs, member, role, name, expiresMs, false);
    }

    /** An Admit body (signed by the owner); {@code voter}: a NODE member that acknowledges claims. */
    public static Record admit(byte[] colony, long timestampMs, byte[] member, Role role, String name,
                               long expiresMs, boolean voter) {
        return base(colony, timestampMs).setAdmit(Admit.newBuilder().setMember(ByteString.copyFrom(member))
                .setRole(role).setName(name).setExpiresMs(expiresMs).setVoter(voter)).build();
    }

    /** A Revoke body (signed by the owner). */
    public static Record revoke(byte[] colony, long timestampMs, byte[] member, String reason) {
        return base(colony, timestampMs).setRevoke(Revoke.newBuilder().setMember(ByteString.copyFrom(member))
                .setReason(reason)).build();
    }

    private static Record.Builder base(byte[] colony, long timestampMs) {
        return Record.newBuilder().setColony(ByteString.copyFrom(colony)).setTimestampMs(timestampMs);
    }

    // ---- signing and ids ----

    /** Signs a body. */
    public static SignedRecord sign(Identity signer, Record body) {
        return sign(signer, body.toByteArray());
    }

    /** Signs body bytes (a serialized Record) exactly as given. */
    static SignedRecord sign(Identity signer, byte[] bytes) {
        return SignedRecord.newBuilder().setBody(ByteString.copyFrom(bytes))
                .setSigner(ByteString.copyFrom(signer.publicKey()))
                .setSignature(ByteString.copyFrom(signer.sign(SIGNING_PREFIX, bytes))).build();
    }

    /** True iff the signature is valid for the body and signer. */
    public static boolean verify(SignedRecord r) {
        return Signatures.verify(r.getSigner().toByteArray(), SIGNING_PREFIX, r.getBody().toByteArray(),
                r.getSignature().toByteArray());
    }

    /**
     * The record's id. A record is identified by its body <em>and its signer</em> (never by the votes
     * it carries, see {@link Votes}):
     * SHA-256(0x00 || signer || body), so that two members who sign the same bytes (two nodes failing
     * an expired lease in the same millisecond, or a member re-signing another's record) make two
     * records that every node stores and replicates alike, and which copy a node happened to receive
     * first never changes what it folds. The one exception is a cron's or generator's submission
     * (a Submit or SubmitWorkflow carrying a {@code trigger}): its body is a pure function of the
     * trigger and the tick, every node may sign it, and its id is SHA-256(body) so that the copies
     * collapse into one process colony-wide (the fold counts the trigger's creator as its submitter,
     * whoever signed the copy). The leading zero byte keeps the two forms apart: no valid body starts
     * with it (protobuf has no field number 0).
     */
    public static byte[] recordId(SignedRecord r) {
        Record body;
        try {
            body = Record.parseFrom(r.getBody());
        } catch (InvalidProtocolBufferException e) {
            return signedId(r);
        }
        return recordId(r, body);
    }

    private static byte[] recordId(SignedRecord r, Record body) {
        return triggered(body) ? sha256(r.getBody().toByteArray()) : signedId(r);
    }

    private static boolean triggered(Record body) {
        return (body.hasSubmit() && body.getSubmit().hasTrigger())
                || (body.hasWorkflow() && body.getWorkflow().hasTrigger());
    }

    private static byte[] signedId(SignedRecord r) {
        MessageDigest d = sha256();
        d.update((byte) 0);
        d.update(r.getSigner().toByteArray());
        d.update(r.getBody().toByteArray());
        return d.digest();
    }

    /** Id of workflow member {@code index}: SHA-256(workflow record id || uint32 BE index). */
    public static byte[] workflowChildId(byte[] workflowRecordId, int index) {
        MessageDigest d = sha256();
        d.update(workflowRecordId);
        d.update(new byte[] {(byte) (index >>> 24), (byte) (index >>> 16), (byte) (index >>> 8), (byte) index});
        return d.digest();
    }

    /** SHA-256 of the bytes. */
    public static byte[] sha256(byte[] bytes) {
        return sha256().digest(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    // ---- decoding ----

    /** Decodes and verifies the signature. */
    public static DecodedRecord open(SignedRecord r) {
        DecodedRecord d = decode(r);
        if (!verify(r)) {
            throw new InvalidRecordException("bad signature");
        }
        return d;
    }

    /** Decodes from envelope bytes and verifies the signature. */
    public static DecodedRecord open(byte[] signedRecordBytes) {
        if (signedRecordBytes.length > MAX_RECORD_BYTES + 256 + Votes.MAX_VOTES * Votes.VOTE_WIRE_BYTES) {
            throw new InvalidRecordException("larger than " + MAX_RECORD_BYTES + " bytes");
        }
        try {
            return open(SignedRecord.parseFrom(signedRecordBytes));
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidRecordException("malformed envelope");
        }
    }

    /**
     * Decodes and checks the structure (sizes, ids, known kind, valid specs) but not the signature: for
     * records verified earlier (e.g. read back from the local store).
     */
    public static DecodedRecord decode(SignedRecord r) {
        if (r.getBody().size() > MAX_RECORD_BYTES) {
            throw new InvalidRecordException("larger than " + MAX_RECORD_BYTES + " bytes");
        }
        if (r.getSigner().size() != Ids.ID_BYTES || r.getSignature().size() != Signatures.SIGNATURE_BYTES) {
            throw new InvalidRecordException("signer must be 32 bytes and signature 64 bytes");
        }
        if (r.getVotesCount() > Votes.MAX_VOTES) {
            throw new InvalidRecordException("at most " + Votes.MAX_VOTES + " votes per record");
        }
        Record body;
        try {
            body = Record.parseFrom(r.getBody());
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidRecordException("malformed body");
        }
        if (body.getColony().size() != Ids.ID_BYTES) {
            throw new InvalidRecordException("colony id must be 32 bytes");
        }
        if (body.getTimestampMs() <= 0) {
            throw new InvalidRecordException("timestamp must be positive");
        }
        byte[] id = recordId(r, body);
        RecordKind kind;
        List<byte[]> pids;
        switch (body.getKindCase()) {
            case SUBMIT -> {
                kind = RecordKind.SUBMIT;
                checkSpec(body.getSubmit().getSpec(), "");
                TriggerRecords.checkTrigger(body.getSubmit().hasTrigger(), body.getSubmit().getTrigger());
                pids = List.of(id);
            }
            case WORKFLOW -> {
                kind = RecordKind.SUBMIT_WORKFLOW;
                SubmitWorkflow w = body.getWorkflow();
                TriggerRecords.checkTrigger(w.hasTrigger(), w.getTrigger());
                if (w.getSpecsCount() == 0 || w.getSpecsCount() > SpecCodec.MAX_WORKFLOW_SPECS) {
                    throw new InvalidRecordException("workflow must have 1.." + SpecCodec.MAX_WORKFLOW_SPECS
                            + " specs");
                }
                List<FunctionSpec> specs = new ArrayList<>();
                List<byte[]> ids = new ArrayList<>();
                for (int i = 0; i < w.getSpecsCount(); i++) {
                    specs.add(checkSpec(w.getSpecs(i), "functionspecs[" + i + "]."));
                    ids.add(workflowChildId(id, i));
                }
                try {
                    SpecCodec.validateWorkflow(specs);
                } catch (InvalidSpecException e) {
                    throw new InvalidRecordException("invalid workflow: " + e.getMessage());
                }
                pids = List.copyOf(ids);
            }
            case CLAIM -> {
                kind = RecordKind.CLAIM;
                pids = pid(body.getClaim().getProcessId());
            }
            case RENEW -> {
                kind = RecordKind.RENEW;
                pids = pid(body.getRenew().getProcessId());
            }
            case CLOSE -> {
                kind = RecordKind.CLOSE;
                pids = pid(body.getClose().getProcessId());
            }
            case FAIL -> {
                kind = RecordKind.FAIL;
                pids = pid(body.getFail().getProcessId());
            }
            case CANCEL -> {
                kind = RecordKind.CANCEL;
                pids = pid(body.getCancel().getProcessId());
            }
            case LOG -> {
                kind = RecordKind.LOG;
                if (body.getLog().getLinesCount() > MAX_LOG_LINES_PER_RECORD) {
                    throw new InvalidRecordException("at most " + MAX_LOG_LINES_PER_RECORD + " log lines per record");
                }
                pids = pid(body.getLog().getProcessId());
            }
            case ADMIT -> {
                kind = RecordKind.ADMIT;
                memberKey(body.getAdmit().getMember());
                pids = List.of();
            }
            case REVOKE -> {
                kind = RecordKind.REVOKE;
                memberKey(body.getRevoke().getMember());
                pids = List.of();
            }
            case CRON, GENERATOR, PACK, REMOVE -> {
                kind = TriggerRecords.check(body);
                pids = List.of();
            }
            default -> throw new InvalidRecordException("unknown record kind");
        }
        return new DecodedRecord(r, body, id, kind, pids);
    }

    private static FunctionSpec checkSpec(io.colony.protocol.pb.FunctionSpec spec, String prefix) {
        try {
            return SpecCodec.fromProto(spec);
        } catch (InvalidSpecException e) {
            throw new InvalidRecordException("invalid spec: " + prefix + e.getMessage());
        }
    }

    private static List<byte[]> pid(ByteString processId) {
        if (processId.size() != Ids.ID_BYTES) {
            throw new InvalidRecordException("process id must be 32 bytes");
        }
        return List.of(processId.toByteArray());
    }

    private static void memberKey(ByteString member) {
        if (member.size() != Ids.ID_BYTES) {
            throw new InvalidRecordException("member key must be 32 bytes");
        }
    }
}
