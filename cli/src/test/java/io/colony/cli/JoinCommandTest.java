package io.colony.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.DevColony;
import io.colony.node.KeyFiles;
import io.colony.node.cluster.JoinToken;
import io.colony.protocol.Identity;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Role;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code member invite} tokens and the one-line errors of {@code node start --join}, in this JVM. */
class JoinCommandTest {

    private static final String PEER = "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWG49hZCMsUydQgdx5xkaAMtk9b5Nya7NtQwZLu8sv7zA6";

    @TempDir
    Path dir;

    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int s = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(s, out.toString(), err.toString());
    }

    private String invite(String... more) {
        DevColony.prepare(dir.resolve("dev"));
        String[] base = {"member", "invite", "--data", dir.resolve("dev").toString(), "--port", "1"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        Result r = run(all);
        assertEquals(0, r.status(), r.err());
        return r.out().strip();
    }

    @Test
    void inviteSignsAnAdmissionOfAFreshKeyWithRoleNameExpiryAndBootstrapPeers() {
        long before = System.currentTimeMillis();
        JoinToken t = JoinToken.decode(invite("--name", "n1", "--role", "node", "--expires", "2h",
                "--bootstrap", PEER));
        Identity owner = KeyFiles.read(dir.resolve("dev").resolve("owner.key"));
        assertEquals(owner.memberId(), io.colony.protocol.Hex.encode(t.colony()));
        var admit = Records.decode(t.admit()).record().getAdmit();
        assertEquals(Role.NODE, admit.getRole());
        assertEquals("n1", admit.getName());
        assertTrue(admit.getExpiresMs() >= before + 7_200_000L && admit.getExpiresMs() <= System.currentTimeMillis() + 7_200_000L);
        assertEquals(List.of(PEER), t.bootstrap());
        // a node by default, never expiring, and a fresh key each time
        JoinToken u = JoinToken.decode(invite());
        assertEquals(Role.NODE, Records.decode(u.admit()).record().getAdmit().getRole());
        assertEquals(0, Records.decode(u.admit()).record().getAdmit().getExpiresMs());
        assertFalse(u.member().memberId().equals(t.member().memberId()));
        // a user or an external executor is admitted through a node: without one, one line says so
        Result ex = run("member", "invite", "--data", dir.resolve("dev").toString(), "--port", "1", "--role", "executor");
        assertEquals(1, ex.status());
        assertEquals(1, ex.err().strip().lines().count(), ex.err());
        assertTrue(ex.err().contains("cannot reach a node"), ex.err());
    }

    @Test
    void badInputGetsOneLine() {
        Result r = run("member", "invite", "--data", dir.resolve("nothing").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("colony: no owner.key in "), r.err());
        assertEquals(1, r.err().strip().lines().count());

        DevColony.prepare(dir.resolve("dev"));
        r = run("member", "invite", "--data", dir.resolve("dev").toString(), "--port", "1", "--expires", "soon");
        assertEquals("colony: --expires takes a duration like 90m, 24h or 30d, not soon", r.err().strip());
        r = run("member", "invite", "--data", dir.resolve("dev").toString(), "--port", "1", "--role", "king");
        assertEquals("colony: --role must be user, executor or node", r.err().strip());

        r = run("node", "start", "--data", dir.resolve("n").toString(), "--join", "colony-join-v1:AAAA", "--p2p-port", "0");
        assertEquals("colony: join token is corrupt (copy it whole)", r.err().strip());
        r = run("node", "start", "--data", dir.resolve("n").toString(), "--join", "hello", "--p2p-port", "0");
        assertEquals("colony: not a join token (it starts with colony-join-v1:)", r.err().strip());
        r = run("node", "start", "--data", dir.resolve("n").toString(), "--p2p-port", "0");
        assertTrue(r.err().startsWith("colony: no colony in "), r.err());
        r = run("node", "start", "--data", dir.resolve("n").toString(), "--colony", "ab".repeat(32), "--p2p-port", "0",
                "--bootstrap", "127.0.0.1:4001");
        assertTrue(r.err().startsWith("colony: --bootstrap takes multiaddrs"), r.err());
        r = run("member", "revoke", "ab".repeat(32), "--data", dir.resolve("nothing").toString());
        assertEquals(1, r.status());
    }

    @Test
    void aTokenIsForAFreshDataDirOfItsColony() throws Exception {
        String token = invite("--bootstrap", PEER);
        Path other = dir.resolve("other");
        DevColony.prepare(other); // a data dir of another colony
        Result r = run("node", "start", "--data", other.toString(), "--join", token, "--p2p-port", "0");
        assertEquals(1, r.status());
        assertTrue(r.err().strip().matches("colony: data dir .* belongs to colony \\w+, but the join token is for colony \\w+ "
                + "\\(use another --data dir\\)"), r.err());

        r = run("node", "start", "--data", dir.resolve("fresh").toString(), "--join", token, "--colony", "ab".repeat(32),
                "--p2p-port", "0");
        assertTrue(r.err().startsWith("colony: --colony abab"), r.err());
        assertTrue(r.err().contains("is not the join token's colony"), r.err());

        Path used = dir.resolve("used");
        KeyFiles.write(used.resolve("node.key"), Identity.generate());
        Path file = dir.resolve("token.txt"); // @FILE keeps the secret out of the process list
        Files.writeString(file, token + "\n");
        r = run("node", "start", "--data", used.toString(), "--join", "@" + file, "--p2p-port", "0");
        assertTrue(r.err().startsWith("colony: data dir " + used + " already has another node key"), r.err());
    }

    @Test
    void portsInUseAreOneLineErrorsAndTheTokenIsKeptForTheRestart() throws Exception {
        String token = invite("--bootstrap", PEER);
        Path data = dir.resolve("joined");
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Result r = run("node", "start", "--data", data.toString(), "--join", token, "--api-port", "0",
                    "--p2p-host", "127.0.0.1", "--p2p-port", "" + busy.getLocalPort());
            assertEquals(1, r.status());
            assertTrue(r.err().strip().matches("colony: cannot listen on /ip4/127\\.0\\.0\\.1/tcp/\\d+: .*"), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());

            r = run("node", "start", "--data", data.toString(), "--api-port", "" + busy.getLocalPort(),
                    "--p2p-host", "127.0.0.1", "--p2p-port", "0");
            assertTrue(r.err().strip().startsWith("colony: cannot listen on 127.0.0.1:" + busy.getLocalPort()), r.err());
        }
        // the first start wrote what later starts need
        JoinToken t = JoinToken.decode(token);
        assertEquals(t.member().memberId(), KeyFiles.read(data.resolve("node.key")).memberId());
        assertEquals(io.colony.protocol.Hex.encode(t.colony()), DevColony.readColonyId(data));
        assertEquals(List.of(PEER), Files.readAllLines(data.resolve(DataDir.BOOTSTRAP_FILE)));
    }
}
