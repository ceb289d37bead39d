package io.colony.node.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.exec.CliRunner;
import io.colony.node.exec.ExecLimits;
import io.colony.node.exec.OsProcesses;
import io.colony.node.lease.LeaseConfig;
import io.colony.node.lease.LeaseManager;
import io.colony.node.ledger.Ledger;
import io.colony.node.ledger.LedgerConfig;
import io.colony.node.store.MemoryRecordStore;
import io.colony.protocol.Conditions;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Identity;
import io.colony.protocol.ProcessState;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Record;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in executor on a real ledger and lease logic, driven by a single loop thread. */
class LocalExecutorTest {

    @TempDir
    Path dir;
    private final Identity owner = Identity.generate();
    private final Identity nodeKey = Identity.generate();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private CliRunner runner;
    private Ledger ledger;

    @BeforeEach
    void setUp() throws Exception {
        ledger = new Ledger(owner.publicKey(), LedgerConfig.defaults(), new MemoryRecordStore());
        RecordFactory o = new RecordFactory(owner, owner.publicKey());
        onLoop(() -> ledger.apply(o.admit(System.currentTimeMillis(), nodeKey.publicKey(), Role.NODE, "n", 0),
                System.currentTimeMillis()));
        runner = new CliRunner(null, new ExecLimits(4096, 100, 100, Duration.ofMillis(300)), dir, io.colony.node.exec.ExecPolicy.allowAll());
    }

    @AfterEach
    void tearDown() {
        loop.shutdownNow();
        runner.close();
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> task) throws Exception {
        return loop.submit(task).get(10, TimeUnit.SECONDS);
    }

    private LocalExecutor executor(LeaseConfig lease) {
        LeaseManager leases = new LeaseManager(owner.publicKey(), nodeKey.publicKey(), "n", "cli", 2, lease);
        RecordSigner signer = bodies -> {
            for (Record b : bodies) {
                ledger.apply(Records.sign(nodeKey, b), System.currentTimeMillis());
            }
        };
        LocalExecutor ex = new LocalExecutor(ledger, leases, runner, signer, loop, System::currentTimeMillis);
        loop.scheduleWithFixedDelay(() -> {
            ex.poll();
            ex.flushLogs();
        }, 0, 20, TimeUnit.MILLISECONDS);
        return ex;
    }

    private byte[] submit(FunctionSpec spec) throws Exception {
        SignedRecord s = new RecordFactory(owner, owner.publicKey()).submit(System.currentTimeMillis(), spec);
        onLoop(() -> ledger.apply(s, System.currentTimeMillis()));
        return Records.recordId(s);
    }

    private ProcessState state(byte[] id) throws Exception {
        return onLoop(() -> ledger.summary(id).orElseThrow().state());
    }

    @Test
    void runsClosesAndLogs() throws Exception {
        executor(LeaseConfig.of(2_000, 0));
        byte[] id = submit(FunctionSpec.of("cli", "sh", "-c", "echo out; echo err >&2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> state(id) == ProcessState.SUCCESS);
        assertEquals(List.of("out"), onLoop(() -> ledger.get(id).orElseThrow().output()));
        await().atMost(Duration.ofSeconds(5)).until(() -> onLoop(() -> ledger.logs(id).lines()).size() == 2);
    }

    @Test
    void unconfirmedRenewalsKillTheProcessBeforeItsLeaseEnds() throws Exception {
        // renewals are signed but never confirmed: the lease logic must stop the run before the lease ends
        executor(new LeaseConfig(1_500, 0, 500, 300, 3_000, false));
        Path pidFile = dir.resolve("pid");
        FunctionSpec spec = new FunctionSpec(null, "echo $$ > " + pidFile + "; exec sleep 300", List.of(), null, null,
                Conditions.of("cli"), 0, 0, 0, 0, null, true);
        byte[] id = submit(spec);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        long claimedLeaseEnd = onLoop(() -> ledger.summary(id).orElseThrow().startedMs()) + 1_500;
        await().atMost(Duration.ofSeconds(5)).until(() -> !OsProcesses.alive(pid));
        long deadAt = System.currentTimeMillis();
        assertTrue(deadAt < claimedLeaseEnd + LedgerConfig.defaults().graceMs(),
                "killed " + (deadAt - claimedLeaseEnd) + " ms after the first lease ended");
    }
}
