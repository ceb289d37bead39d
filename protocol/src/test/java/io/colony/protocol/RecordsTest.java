package io.colony.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.colony.protocol.pb.SignedRecord;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordsTest {
    private final Identity owner = Identity.generate();
    private final RecordFactory f = new RecordFactory(owner, owner.publicKey());

    @Test
    void identityTextForms() {
        Identity again = Identity.parse(" " + owner.privateKeyHex() + "\n");
        assertEquals(owner.memberId(), again.memberId());
        assertEquals(64, owner.memberId().length());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Identity.parse("abc"));
        assertEquals("private key: must be 64 hex characters", e.getMessage());
        assertThrows(InvalidInputException.class, () -> Identity.parse("g".repeat(64)));
        assertEquals("process id", assertThrows(InvalidInputException.class,
                () -> Ids.parseProcessId("xyz")).field());
    }

    @Test
    void theSignerIsPartOfARecordsIdSoTwoSignersOfOneBodyMakeTwoRecords() {
        // Two nodes that fail the same expired lease in the same millisecond sign identical bodies.
        Identity other = Identity.generate();
        io.colony.protocol.pb.Record body = Records.fail(owner.publicKey(), 5000, new byte[32], 1,
                "lease of attempt 1 expired", false);
        SignedRecord a = Records.sign(owner, body);
        SignedRecord b = Records.sign(other, body);
        assertEquals(a.getBody(), b.getBody());
        assertNotEquals(Hex.encode(Records.recordId(a)), Hex.encode(Records.recordId(b)));
        assertArrayEquals(Records.recordId(a), Records.open(a).id());
        // SHA-256(0x00 || signer || body)
        byte[] pre = new byte[1 + 32 + a.getBody().size()];
        System.arraycopy(owner.publicKey(), 0, pre, 1, 32);
        a.getBody().copyTo(pre, 33);
        assertArrayEquals(Records.sha256(pre), Records.recordId(a));
    }

    @Test
    void aTriggeredSubmissionSignedByTwoNodesIsOneRecord() {
        SignedRecord cron = f.cron(1000, "tick", List.of(FunctionSpec.of("t", "echo", "hi")), "* * * * * *");
        io.colony.protocol.pb.Record tick = TriggerRecords.cronTick(Records.open(cron), 2000);
        SignedRecord a = TriggerRecords.signDeterministic(owner, tick);
        SignedRecord b = TriggerRecords.signDeterministic(Identity.generate(), tick);
        assertArrayEquals(Records.recordId(a), Records.recordId(b));
        assertArrayEquals(TriggerRecords.bodyId(tick), Records.open(b).id());
    }

    @Test
    void signVerifyAndTamper() {
        SignedRecord r = f.submit(1000, FunctionSpec.of("t", "echo", "hi"));
        assertTrue(Records.verify(r));
        DecodedRecord d = Records.open(r);
        assertEquals(RecordKind.SUBMIT, d.kind());
        assertArrayEquals(Records.recordId(r), d.id());
        assertArrayEquals(d.id(), d.processId());
        assertEquals(1000, d.timestampMs());
        assertEquals("echo", d.fields().get("funcname"));

        byte[] body = r.getBody().toByteArray();
        body[body.length - 1] ^= 1;
        SignedRecord tampered = r.toBuilder().setBody(ByteString.copyFrom(body)).build();
        assertFalse(Records.verify(tampered));
        SignedRecord otherSigner = r.toBuilder().setSigner(ByteString.copyFrom(Identity.generate().publicKey()))
                .build();
        assertEquals("bad signature",
                assertThrows(InvalidRecordException.class, () -> Records.open(otherSigner)).rule());
        assertThrows(InvalidRecordException.class, () -> Records.open(new byte[] {1, 2, 3}));
    }

    @Test
    void signatureCoversDomainPrefix() {
        SignedRecord r = f.submit(1000, FunctionSpec.of("t", "echo"));
        byte[] plain = owner.sign(new byte[0], r.getBody().toByteArray());
        assertFalse(Records.verify(r.toBuilder().setSignature(ByteString.copyFrom(plain)).build()));
    }

    @Test
    void workflowChildIds() {
        FunctionSpec a = FunctionSpec.of("t", "a").inWorkflow("a", List.of());
        FunctionSpec b = FunctionSpec.of("t", "b").inWorkflow("b", List.of("a"));
        DecodedRecord w = Records.open(f.workflow(5, List.of(a, b)));
        assertEquals(2, w.processIds().size());
        byte[] expected = Records.sha256(ByteBuffer.allocate(36).put(w.id()).putInt(1).array());
        assertArrayEquals(expected, w.processIds().get(1));
        assertNotEquals(Hex.encode(w.processIds().get(0)), Hex.encode(w.processIds().get(1)));
    }

    @Test
    void decodesEveryKind() {
        byte[] pid = new byte[32];
        assertEquals(RecordKind.CLAIM, Records.open(f.claim(1, pid, 1, "e", "t", 2)).kind());
        assertEquals(RecordKind.RENEW, Records.open(f.renew(1, pid, 1, 2)).kind());
        assertEquals(RecordKind.CLOSE, Records.open(f.close(1, pid, 1, true, List.of("o"), List.of())).kind());
        assertEquals(RecordKind.FAIL, Records.open(f.fail(1, pid, 1, "r", true)).kind());
        assertEquals(RecordKind.CANCEL, Records.open(f.cancel(1, pid, "r")).kind());
        assertEquals(RecordKind.LOG, Records.open(f.log(1, pid, 1, 0, List.of("l"))).kind());
        DecodedRecord admit = Records.open(f.admit(1, pid, io.colony.protocol.pb.Role.NODE, "n", 0));
        assertEquals(RecordKind.ADMIT, admit.kind());
        assertTrue(admit.processIds().isEmpty());
        assertEquals(RecordKind.REVOKE, Records.open(f.revoke(1, pid, "r")).kind());
        assertEquals(3, Records.open(f.claim(1, pid, 3, "e", "t", 2)).attempt());
        assertThrows(InvalidRecordException.class, () -> Records.open(f.claim(1, new byte[5], 1, "e", "t", 2)));
    }
}
