package io.colony.protocol;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.colony.protocol.pb.CronAdd;
import io.colony.protocol.pb.GeneratorAdd;
import io.colony.protocol.pb.GeneratorPack;
import io.colony.protocol.pb.Record;
import io.colony.protocol.pb.SignedRecord;
import io.colony.protocol.pb.Submit;
import io.colony.protocol.pb.SubmitWorkflow;
import io.colony.protocol.pb.Trigger;
import io.colony.protocol.pb.TriggerRemove;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Records of crons and generators, and the process (or workflow) records they submit.
 *
 * <p>A triggered submission's body depends only on the cron or generator record and on the tick (or
 * the packs consumed): timestamp, specs, nonce and {@link Trigger} are computed, and the body is
 * serialized deterministically. Every node that submits it therefore signs the same body and the
 * process gets the same id everywhere: a tick runs once colony-wide however many nodes submit it.
 */
public final class TriggerRecords {
    /** Longest cron or generator name. */
    public static final int MAX_NAME = 64;
    /** Most packs one generator workflow takes. */
    public static final int MAX_TRIGGER = 1000;
    /** Longest generator timeout: 30 days. */
    public static final long MAX_TIMEOUT_MS = 30L * 24 * 3600 * 1000;
    /** Longest packed arg, in characters. */
    public static final int MAX_ARG = 8192;
    private static final byte[] NONCE_DOMAIN = "colony-trigger-v1:".getBytes(StandardCharsets.US_ASCII);

    private TriggerRecords() {
    }

    // ---- bodies ----

    /** A CronAdd body (one spec: a process per tick; more: a workflow per tick). */
    public static Record cron(byte[] colony, long timestampMs, String name, List<FunctionSpec> specs,
            String schedule, byte[] nonce) {
        CronAdd.Builder c = CronAdd.newBuilder().setName(name).setSchedule(schedule)
                .setNonce(ByteString.copyFrom(nonce));
        specs.forEach(s -> c.addSpecs(SpecCodec.toProto(s)));
        return base(colony, timestampMs).setCron(c).build();
    }

    /** A GeneratorAdd body. */
    public static Record generator(byte[] colony, long timestampMs, String name, List<FunctionSpec> specs,
            int trigger, long timeoutMs, byte[] nonce) {
        GeneratorAdd.Builder g = GeneratorAdd.newBuilder().setName(name).setTrigger(trigger).setTimeoutMs(timeoutMs)
                .setNonce(ByteString.copyFrom(nonce));
        specs.forEach(s -> g.addSpecs(SpecCodec.toProto(s)));
        return base(colony, timestampMs).setGenerator(g).build();
    }

    /** A GeneratorPack body: one arg for generator {@code generatorId}. */
    public static Record pack(byte[] colony, long timestampMs, byte[] generatorId, String arg, byte[] nonce) {
        return base(colony, timestampMs).setPack(GeneratorPack.newBuilder().setGenerator(ByteString.copyFrom(generatorId))
                .setArg(arg).setNonce(ByteString.copyFrom(nonce))).build();
    }

    /** A TriggerRemove body for a cron or generator. */
    public static Record remove(byte[] colony, long timestampMs, byte[] targetId) {
        return base(colony, timestampMs).setRemove(TriggerRemove.newBuilder().setTarget(ByteString.copyFrom(targetId)))
                .build();
    }

    /**
     * The submission of a cron's tick: timestamp {@code tickMs}, the cron's specs, a nonce derived from
     * cron and tick. {@code cron} is the decoded CronAdd record.
     */
    public static Record cronTick(DecodedRecord cron, long tickMs) {
        Trigger t = Trigger.newBuilder().setSource(ByteString.copyFrom(cron.id()))
                .setSourceOwner(cron.signed().getSigner()).setTickMs(tickMs).build();
        return triggered(cron.colony(), tickMs, cron.record().getCron().getSpecsList(), t,
                nonce(cron.id(), ByteBuffer.allocate(8).putLong(tickMs).array()));
    }

    /**
     * The workflow (or process) of a generator for these packs, oldest first, stamped {@code
     * timestampMs}: the packs' args are appended, in order, to the args of every spec without
     * dependencies.
     */
    public static Record generated(DecodedRecord generator, long timestampMs, List<DecodedRecord> packs) {
        Trigger.Builder t = Trigger.newBuilder().setSource(ByteString.copyFrom(generator.id()))
                .setSourceOwner(generator.signed().getSigner());
        List<String> args = new ArrayList<>(packs.size());
        ByteBuffer ids = ByteBuffer.allocate(packs.size() * Ids.ID_BYTES);
        for (DecodedRecord p : packs) {
            t.addPacks(ByteString.copyFrom(p.id()));
            args.add(p.record().getPack().getArg());
            ids.put(p.id());
        }
        List<io.colony.protocol.pb.FunctionSpec> specs = new ArrayList<>();
        for (io.colony.protocol.pb.FunctionSpec s : generator.record().getGenerator().getSpecsList()) {
            specs.add(s.getConditions().getDependenciesCount() == 0 ? s.toBuilder().addAllArgs(args).build() : s);
        }
        return triggered(generator.colony(), timestampMs, specs, t.build(), nonce(generator.id(), ids.array()));
    }

    private static Record triggered(byte[] colony, long timestampMs, List<io.colony.protocol.pb.FunctionSpec> specs,
            Trigger trigger, byte[] nonce) {
        Record.Builder b = base(colony, timestampMs);
        if (specs.size() == 1) {
            b.setSubmit(Submit.newBuilder().setSpec(specs.get(0)).setNonce(ByteString.copyFrom(nonce))
                    .setTrigger(trigger));
        } else {
            b.setWorkflow(SubmitWorkflow.newBuilder().addAllSpecs(specs).setNonce(ByteString.copyFrom(nonce))
                    .setTrigger(trigger));
        }
        return b.build();
    }

    /** Signs a triggered body, serialized deterministically (map fields in key order). */
    public static SignedRecord signDeterministic(Identity signer, Record body) {
        return Records.sign(signer, deterministicBytes(body));
    }

    /** The record id a triggered body gets: SHA-256 of its deterministic serialization. */
    public static byte[] bodyId(Record body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(deterministicBytes(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static byte[] deterministicBytes(Record body) {
        try {
            byte[] bytes = new byte[body.getSerializedSize()];
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.useDeterministicSerialization();
            body.writeTo(out);
            out.checkNoSpaceLeft();
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] nonce(byte[] source, byte[] salt) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(NONCE_DOMAIN);
            d.update(source);
            d.update(salt);
            byte[] n = new byte[Records.NONCE_BYTES];
            System.arraycopy(d.digest(), 0, n, 0, n.length);
            return n;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static Record.Builder base(byte[] colony, long timestampMs) {
        return Record.newBuilder().setColony(ByteString.copyFrom(colony)).setTimestampMs(timestampMs);
    }

    // ---- checks (called while decoding) ----

    static RecordKind check(Record body) {
        switch (body.getKindCase()) {
            case CRON -> {
                CronAdd c = body.getCron();
                name(c.getName());
                specs(c.getSpecsList());
                try {
                    CronSchedule.parse(c.getSchedule());
                } catch (IllegalArgumentException e) {
                    throw new InvalidRecordException(e.getMessage());
                }
                return RecordKind.CRON_ADD;
            }
            case GENERATOR -> {
                GeneratorAdd g = body.getGenerator();
                name(g.getName());
                specs(g.getSpecsList());
                if (g.getTrigger() < 1 || g.getTrigger() > MAX_TRIGGER) {
                    throw new InvalidRecordException("trigger must be 1.." + MAX_TRIGGER + " packs");
                }
                if (g.getTimeoutMs() < 0 || g.getTimeoutMs() > MAX_TIMEOUT_MS) {
                    throw new InvalidRecordException("timeout must be 0 (none) up to 30 days");
                }
                return RecordKind.GENERATOR_ADD;
            }
            case PACK -> {
                id(body.getPack().getGenerator(), "generator id");
                if (body.getPack().getArg().length() > MAX_ARG) {
                    throw new InvalidRecordException("a packed arg has at most " + MAX_ARG + " characters");
                }
                return RecordKind.GENERATOR_PACK;
            }
            case REMOVE -> {
                id(body.getRemove().getTarget(), "cron or generator id");
                return RecordKind.TRIGGER_REMOVE;
            }
            default -> throw new IllegalArgumentException("not a trigger record");
        }
    }

    /** Checks the Trigger of a Submit or SubmitWorkflow, if set. */
    static void checkTrigger(boolean has, Trigger t) {
        if (!has) {
            return;
        }
        id(t.getSource(), "trigger source");
        id(t.getSourceOwner(), "trigger source owner");
        if (t.getPacksCount() > MAX_TRIGGER) {
            throw new InvalidRecordException("a trigger consumes at most " + MAX_TRIGGER + " packs");
        }
        t.getPacksList().forEach(p -> id(p, "pack id"));
    }

    private static void name(String name) {
        if (name.isBlank() || name.length() > MAX_NAME) {
            throw new InvalidRecordException("name must be 1.." + MAX_NAME + " characters");
        }
    }

    private static void specs(List<io.colony.protocol.pb.FunctionSpec> specs) {
        if (specs.isEmpty() || specs.size() > SpecCodec.MAX_WORKFLOW_SPECS) {
            throw new InvalidRecordException("1.." + SpecCodec.MAX_WORKFLOW_SPECS + " function specs");
        }
        List<FunctionSpec> checked = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            try {
                checked.add(SpecCodec.fromProto(specs.get(i)));
            } catch (InvalidSpecException e) {
                throw new InvalidRecordException("invalid spec: functionspecs[" + i + "]." + e.getMessage());
            }
        }
        if (checked.size() > 1) {
            try {
                SpecCodec.validateWorkflow(checked);
            } catch (InvalidSpecException e) {
                throw new InvalidRecordException("invalid workflow: " + e.getMessage());
            }
        }
    }

    private static void id(ByteString b, String what) {
        if (b.size() != Ids.ID_BYTES) {
            throw new InvalidRecordException(what + " must be 32 bytes");
        }
    }
}
