package io.colony.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.api.ApiError;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Identity;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The entry path of records posted by clients (what the HTTP API calls): the time window, membership
 * now and at the record's time, roles, and no held buffer. Hostile cases, one rule each.
 */
class ClientRecordRulesTest {
    @TempDir
    Path dir;
    private DevColony dev;
    private Node node;
    private RecordFactory owner;
    private RecordFactory user;

    /** A spec no executor of this node takes (its executor type is cli), so it stays WAITING. */
    private static final FunctionSpec NOBODYS = FunctionSpec.of("elsewhere", "echo", "hi");

    @BeforeEach
    void start() {
        dev = DevColony.prepare(dir);
        node = Node.start(dev.nodeConfig().withApi("127.0.0.1", 0).withExecutor("cli", "n", 1));
        dev.admitMembers(node);
        owner = new RecordFactory(dev.owner(), dev.owner().publicKey());
        user = new RecordFactory(dev.user(), dev.owner().publicKey());
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private ProcessView post(SignedRecord r) {
        return node.apply(Records.open(r)).join();
    }

    /** The API error a posted record is answered with. */
    private ApiError refusal(SignedRecord r) {
        try {
            node.apply(Records.open(r)).join();
        } catch (CompletionException e) {
            return assertInstanceOf(ApiError.class, e.getCause());
        }
        throw new AssertionError("record was accepted");
    }

    /** Admits a fresh key (as a peer's sync would bring the Admit) with {@code role} at {@code atMs}. */
    private RecordFactory admitted(Role role, long atMs) {
        Identity id = Identity.generate();
        node.applyRecords(List.of(owner.admit(atMs, id.publicKey(), role, "k", 0))).join();
        return new RecordFactory(id, dev.owner().publicKey());
    }

    private boolean known(SignedRecord submit) {
        return node.process(Records.recordId(submit)).join().isPresent();
    }

    @Test
    void aRevokedKeyCannotBackDateASubmitBeforeItsRevocation() {
        long now = System.currentTimeMillis();
        RecordFactory mallory = admitted(Role.USER, now - 20_000);
        node.applyRecords(List.of(owner.revoke(now - 5_000, mallory.identity().publicKey(), "left"))).join();
        SignedRecord current = mallory.submit(System.currentTimeMillis(), NOBODYS);
        ApiError e = refusal(current);
        assertEquals(403, e.status());
        SignedRecord backDated = mallory.submit(now - 6_000, NOBODYS); // one second before the revocation
        e = refusal(backDated);
        assertEquals(403, e.status(), e.getMessage());
        assertTrue(e.getMessage().contains("no longer a member"), e.getMessage());
        assertFalse(known(backDated));
    }

    @Test
    void aRevokedExecutorCannotBackDateAClaimOrACloseBeforeItsRevocation() {
        long now = System.currentTimeMillis();
        RecordFactory ex = admitted(Role.EXECUTOR, now - 20_000);
        SignedRecord submit = owner.submit(now - 15_000, NOBODYS);
        node.applyRecords(List.of(submit)).join();
        byte[] pid = Records.recordId(submit);
        node.applyRecords(List.of(owner.revoke(now - 5_000, ex.identity().publicKey(), "stolen key"))).join();
        ApiError claim = refusal(ex.claim(now - 6_000, pid, 1, "x", "elsewhere", now + 50_000));
        assertEquals(403, claim.status(), claim.getMessage());
        ApiError close = refusal(ex.close(now - 5_500, pid, 1, true, List.of("forged"), List.of()));
        assertEquals(403, close.status(), close.getMessage());
        assertEquals(ProcessState.WAITING, node.process(pid).join().orElseThrow().state());
    }

    @Test
    void aUserKeyCannotClaimOrCloseAndSetAForgedOutput() {
        SignedRecord submit = user.submit(System.currentTimeMillis(), NOBODYS);
        post(submit);
        byte[] pid = Records.recordId(submit);
        long now = System.currentTimeMillis();
        ApiError claim = refusal(user.claim(now, pid, 1, "me", "elsewhere", now + 10_000));
        assertEquals(403, claim.status());
        assertTrue(claim.getMessage().contains("role user may not sign claim"), claim.getMessage());
        ApiError close = refusal(user.close(now + 1, pid, 1, true, List.of("forged"), List.of()));
        assertEquals(403, close.status(), close.getMessage());
        ProcessView v = node.process(pid).join().orElseThrow();
        assertEquals(ProcessState.WAITING, v.state());
        assertEquals(List.of(), v.output());
    }

    @Test
    void anExecutorThatDoesNotHoldTheAttemptCannotCloseRenewLogOrFailIt() {
        long now = System.currentTimeMillis();
        RecordFactory holder = admitted(Role.EXECUTOR, now - 1_000);
        RecordFactory other = admitted(Role.EXECUTOR, now - 1_000);
        SignedRecord submit = user.submit(now, NOBODYS);
        post(submit);
        byte[] pid = Records.recordId(submit);
        post(holder.claim(now + 1, pid, 1, "h", "elsewhere", now + 10_000));
        assertEquals(403, refusal(other.close(now + 2, pid, 1, true, List.of("forged"), List.of())).status());
        assertEquals(403, refusal(other.renew(now + 2, pid, 1, now + 20_000)).status());
        assertEquals(403, refusal(other.log(now + 2, pid, 1, 0, List.of("forged"))).status());
        assertEquals(403, refusal(other.fail(now + 2, pid, 1, "released", false)).status());
        assertEquals(403, refusal(other.cancel(now + 2, pid, "mine")).status());
        RecordFactory otherUser = admitted(Role.USER, now - 1_000);
        ApiError cancel = refusal(otherUser.cancel(now + 2, pid, "mine"));
        assertEquals(403, cancel.status());
        assertTrue(cancel.getMessage().contains("only the submitter"), cancel.getMessage());
        ProcessView done = post(holder.close(now + 3, pid, 1, true, List.of("real"), List.of()));
        assertEquals(ProcessState.SUCCESS, done.state());
        assertEquals(List.of("real"), done.output());
        assertEquals(List.of(), node.logs(pid).join().orElseThrow().lines());
    }

    @Test
    void aRecordOutsideTheTimeWindowIsRefusedWithTheReason() {
        long now = System.currentTimeMillis();
        ApiError old = refusal(user.submit(now - 60_000, NOBODYS));
        assertEquals(403, old.status());
        assertTrue(old.getMessage().contains("behind this node's clock"), old.getMessage());
        ApiError ahead = refusal(user.submit(now + 60_000, NOBODYS));
        assertEquals(403, ahead.status());
        assertTrue(ahead.getMessage().contains("ahead of this node's clock"), ahead.getMessage());
    }

    @Test
    void aRefusedRecordNeverTakesEffectAfterALaterAdmit() {
        Identity stranger = Identity.generate();
        RecordFactory s = new RecordFactory(stranger, dev.owner().publicKey());
        SignedRecord submit = s.submit(System.currentTimeMillis(), NOBODYS);
        assertEquals(403, refusal(submit).status());
        // an unknown process: 404, and the claim is not kept for when the Submit shows up
        SignedRecord later = user.submit(System.currentTimeMillis(), NOBODYS);
        byte[] pid = Records.recordId(later);
        RecordFactory ex = admitted(Role.EXECUTOR, System.currentTimeMillis() - 1_000);
        long now = System.currentTimeMillis();
        assertEquals(404, refusal(ex.claim(now, pid, 1, "x", "elsewhere", now + 10_000)).status());
        assertEquals(0, status("heldRecords"));
        // a back-dated Admit of the stranger, and the Submit, arrive afterwards
        node.applyRecords(List.of(owner.admit(now - 60_000, stranger.publicKey(), Role.USER, "s", 0), later)).join();
        assertFalse(known(submit), "the refused submit never runs");
        assertEquals(ProcessState.WAITING, node.process(pid).join().orElseThrow().state());
        assertEquals(0, node.process(pid).join().orElseThrow().attempt());
    }

    @Test
    void aSubmitWithoutANonceIsRefused() {
        long now = System.currentTimeMillis();
        SignedRecord r = user.sign(Records.submit(dev.owner().publicKey(), now, NOBODYS, new byte[0]));
        ApiError e = refusal(r);
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("nonce"), e.getMessage());
        SignedRecord w = user.sign(Records.workflow(dev.owner().publicKey(), now, List.of(NOBODYS.inWorkflow("a", List.of())), new byte[8]));
        assertTrue(refusal(w).getMessage().contains("nonce"));
        assertFalse(known(r));
    }

    private long status(String key) {
        return ((Number) node.status().join().get(key)).longValue();
    }
}
