package io.colony.cli;

import io.colony.node.DevColony;
import io.colony.node.cluster.JoinToken;
import io.colony.protocol.Identity;
import io.colony.protocol.pb.Role;
import io.colony.sdk.ColonyClient;
import io.colony.sdk.ColonyException;
import io.colony.sdk.Keys;
import io.colony.sdk.NodeInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code colony member ...}: colony membership (signed with the owner's key). */
@Command(name = "member", description = {"List, admit, invite and revoke members (all but ls are signed with the owner key).",
        "A member id may be shortened to a unique prefix of at least 6 characters."},
        subcommands = {MemberCommand.Add.class, MemberCommand.Invite.class, MemberCommand.Revoke.class, MemberCommand.Ls.class})
final class MemberCommand {

    private MemberCommand() {
    }

    static Role role(String role) {
        return switch (role.toLowerCase(Locale.ROOT)) {
            case "user" -> Role.USER;
            case "executor" -> Role.EXECUTOR;
            case "node" -> Role.NODE;
            default -> throw new IllegalArgumentException("--role must be user, executor or node");
        };
    }

    /** The owner's key: {@code --data DIR}'s owner.key if given, else {@code --key} / COLONY_PRVKEY. */
    static final class OwnerKey {
        @Option(names = "--data", paramLabel = "DIR",
                description = "Data dir of a dev colony: sign with its owner.key (instead of --key).")
        Path data;

        Identity load(ClientOptions client) {
            if (data != null) {
                Path file = data.resolve(DevColony.OWNER_KEY);
                if (!Files.exists(file)) {
                    throw new IllegalArgumentException("no " + DevColony.OWNER_KEY + " in " + data
                            + " (pass the data dir of 'colony dev', or the owner's key with --key)");
                }
                return Keys.fromFile(file);
            }
            if (client.key == null || client.key.isBlank()) {
                throw new IllegalArgumentException("the owner's key is needed: --key KEY or --data DEV_DIR");
            }
            return Keys.load(client.key);
        }

        /**
         * The owner's key, checked against the colony of the node at --host/--port: a key that is not the
         * colony id (e.g. the dev user's COLONY_PRVKEY) is refused with one line. With --data the key is
         * the dev colony's own owner key, the owner of that colony by definition.
         */
        Identity loadChecked(ClientOptions client) {
            Identity key = load(client);
            if (data != null) {
                return key;
            }
            String colony;
            try {
                colony = client.reading().nodeInfo().colony();
            } catch (ColonyException e) {
                throw new IllegalArgumentException("cannot check that this key owns the colony (" + e.getMessage()
                        + "): pass --host/--port of a node of the colony, and --data DEV_DIR or the owner's key (--key)");
            }
            if (!colony.equals(key.memberId())) {
                throw new IllegalArgumentException("key " + key.memberId().substring(0, 12) + "... is not the owner of colony "
                        + colony.substring(0, 12) + "... (at " + client.host + ":" + client.port + "): pass --data DEV_DIR"
                        + " (its owner.key) or the owner's key with --key");
            }
            return key;
        }
    }

    @Command(name = "add", description = {"Admit a member: a user, an external executor or a node.",
            "Sign with the owner's key: --data DEV_DIR (its owner.key) or --key ~/.colony/dev/owner.key."})
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Option(names = "--id", required = true, paramLabel = "MEMBER_ID", description = "The member's public key (64 hex, see 'colony key generate').")
        String id;
        @Option(names = "--role", defaultValue = "executor", paramLabel = "ROLE", description = "user, executor or node (default ${DEFAULT-VALUE}).")
        String role;
        @Option(names = "--name", defaultValue = "", paramLabel = "NAME", description = "A name for the member.")
        String name;

        @Mixin
        OwnerKey owner;

        @Override
        public Integer call() {
            Role r = role(role);
            Identity key = owner.loadChecked(client);
            client.as(key).admit(id, r, name);
            spec.commandLine().getOut().println("admitted " + id + " as " + r.name().toLowerCase(Locale.ROOT));
            return 0;
        }
    }

    @Command(name = "invite", description = {"Print a join token for a new node, or export lines for a new user or executor.",
            "The token carries a fresh key and the owner's admission of it: it is a secret.",
            "Use it once: colony node start --data NEW_DIR --join TOKEN.",
            "--role user|executor admits a fresh key through the node at --host/--port and prints COLONY_HOST,",
            "COLONY_PORT, COLONY_PRVKEY and, when the node serves TLS, COLONY_TLS_FINGERPRINT for that machine.",
            "Bootstrap addresses embedded: --bootstrap, else COLONY_BOOTSTRAP, else those of the node at --host/--port."})
    static final class Invite implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Mixin
        OwnerKey owner;
        @Option(names = "--role", defaultValue = "node", paramLabel = "ROLE", description = "user, executor or node (default ${DEFAULT-VALUE}).")
        String role;
        @Option(names = "--name", defaultValue = "", paramLabel = "NAME", description = "A name for the member.")
        String name;
        @Option(names = "--expires", paramLabel = "DURATION",
                description = "The admission ends after this long, e.g. 90m, 24h, 30d (default: never).")
        String expires;
        @Option(names = "--bootstrap", paramLabel = "MULTIADDR", split = ",", defaultValue = "${env:COLONY_BOOTSTRAP}",
                description = "Peer address to embed (repeatable or comma-separated; env COLONY_BOOTSTRAP).")
        List<String> bootstrap;

        @Override
        public Integer call() {
            Role r = role(role);
            Identity key = owner.loadChecked(client);
            long now = System.currentTimeMillis();
            long until = expires == null ? 0 : now + durationMs(expires);
            List<String> peers = bootstrap == null ? List.of()
                    : bootstrap.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
            if (peers.isEmpty()) {
                peers = nodeAddresses(key);
            }
            if (r != Role.NODE) {
                return inviteApiMember(key, r, until);
            }
            JoinToken token = JoinToken.invite(key, r, name, now, until, peers);
            spec.commandLine().getOut().println(token.encode());
            if (peers.isEmpty()) {
                spec.commandLine().getErr().println("colony: note: the token names no bootstrap peer; pass --bootstrap"
                        + " to 'colony node start'");
            }
            return 0;
        }

        /**
         * A user or an external executor talks to a node's API, not to peers: admit a fresh key through
         * the node at --host/--port and print what the member's machine needs, the TLS fingerprint to pin
         * included.
         */
        private int inviteApiMember(Identity ownerKey, Role r, long until) {
            Identity member = Identity.generate();
            ColonyClient c = client.as(ownerKey);
            NodeInfo info = c.nodeInfo();
            c.admit(member.memberId(), r, name, until);
            var out = spec.commandLine().getOut();
            String what = r.name().toLowerCase(Locale.ROOT);
            out.println("# A new " + what + " key" + (name.isEmpty() ? "" : " (" + name + ")") + " of colony "
                    + info.colony().substring(0, 12) + "..., admitted" + (until == 0 ? "" : " until "
                    + java.time.Instant.ofEpochMilli(until)) + ". It is a secret: paste these lines where the " + what
                    + " runs");
            out.println("# (COLONY_HOST must be an address of node " + info.name() + " that machine can reach).");
            out.println("export COLONY_HOST=" + client.host);
            out.println("export COLONY_PORT=" + client.port);
            out.println("export COLONY_PRVKEY=" + member.privateKeyHex());
            if (info.tlsFingerprint() != null && !info.tlsFingerprint().isEmpty()) {
                out.println("export COLONY_TLS_FINGERPRINT=" + info.tlsFingerprint());
            }
            return 0;
        }

        /** The addresses of the node at --host/--port if it answers and is of this owner's colony. */
        private List<String> nodeAddresses(Identity key) {
            NodeInfo info;
            try {
                info = client.as(key).nodeInfo();
            } catch (ColonyException e) {
                return List.of();
            }
            if (!info.colony().equals(key.memberId())) {
                throw new IllegalArgumentException("this key is not the owner of the colony of the node at " + client.host
                        + ":" + client.port + " (" + info.colony() + ")");
            }
            return info.addresses();
        }
    }

    @Command(name = "revoke", description = {"Revoke a member: its records from now on count nowhere.",
            "Peers refuse new connections from its key. Sign with the owner's key (--key or --data DEV_DIR)."})
    static final class Revoke implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Mixin
        OwnerKey owner;
        @Parameters(paramLabel = "MEMBER_ID", description = "The member's public key (64 hex; 'colony node info' shows a node's).")
        String id;
        @Option(names = "--reason", defaultValue = "", paramLabel = "TEXT", description = "Why (kept in the ledger).")
        String reason;

        @Override
        public Integer call() {
            Identity key = owner.loadChecked(client);
            ColonyClient c = client.as(key);
            String full;
            try {
                full = c.resolveId("member", id);
            } catch (ColonyException.NotFoundException e) {
                throw new IllegalArgumentException("no member " + id + ": that key was never admitted to this colony"
                        + " (see 'colony member ls')");
            }
            io.colony.protocol.MemberView m = c.members().stream().filter(v -> v.id().equals(full)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no member " + full
                            + ": that key was never admitted to this colony (see 'colony member ls')"));
            if (m.role().equals("owner")) {
                throw new IllegalArgumentException(full + " is the colony owner, which cannot be revoked");
            }
            if (m.revokedMs() > 0) {
                throw new IllegalArgumentException("member " + full + (m.name().isEmpty() ? "" : " (" + m.name() + ")")
                        + " was revoked already, at " + java.time.Instant.ofEpochMilli(m.revokedMs()));
            }
            c.revoke(full, reason);
            spec.commandLine().getOut().println("revoked " + full + (m.name().isEmpty() ? "" : " (" + m.name() + ")"));
            return 0;
        }
    }

    @Command(name = "ls", description = "List the colony's members: id, name given at invite, role, admitted, revoked, expires.")
    static final class Ls extends ReadCommand {
        @Override
        public Integer call() {
            return print(client.reading().members(), (out, all) -> {
                out.printf("%-64s  %-16s  %-8s  %-20s  %-20s  %-20s%n", "ID", "NAME", "ROLE", "ADMITTED", "REVOKED", "EXPIRES");
                for (io.colony.protocol.MemberView m : all) {
                    out.printf("%-64s  %-16s  %-8s  %-20s  %-20s  %-20s%n", m.id(), m.name().isEmpty() ? "-" : m.name(),
                            m.role(), time(m.admittedMs()), time(m.revokedMs()), m.expiresMs() == 0 ? "never"
                                    : time(m.expiresMs()));
                }
            });
        }

        private static String time(long ms) {
            return ms <= 0 ? "-" : java.time.Instant.ofEpochMilli(ms).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        }
    }

    /** Milliseconds of a duration like 90s, 30m, 24h, 7d (the one duration syntax of every command). */
    static long durationMs(String text) {
        java.time.Duration d;
        try {
            d = new DurationConverter().convert(text);
        } catch (RuntimeException e) {
            d = java.time.Duration.ZERO;
        }
        if (d.isZero()) {
            throw new IllegalArgumentException("--expires takes a duration like 90m, 24h or 30d, not " + text);
        }
        return d.toMillis();
    }
}
