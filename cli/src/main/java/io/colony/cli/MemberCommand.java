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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code colony member ...}: colony membership (signed with the owner's key). */
@Command(name = "member", description = "Admit, invite and revoke members (signed with the owner key).",
        subcommands = {MemberCommand.Add.class, MemberCommand.Invite.class, MemberCommand.Revoke.class})
final class MemberCommand {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})([smhd])");

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
    }

    @Command(name = "add", description = {"Admit a member: a user, an external executor or a node.",
            "Sign with the owner's key, e.g. --key ~/.colony/dev/owner.key."})
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

        @Override
        public Integer call() {
            Role r = role(role);
            client.signing().admit(id, r, name);
            spec.commandLine().getOut().println("admitted " + id + " as " + r.name().toLowerCase(Locale.ROOT));
            return 0;
        }
    }

    @Command(name = "invite", description = {"Print a join token for a new member (a node by default).",
            "The token carries a fresh key and the owner's admission of it: it is a secret.",
            "Use it once: colony node start --data NEW_DIR --join TOKEN.",
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
            Identity key = owner.load(client);
            long now = System.currentTimeMillis();
            long until = expires == null ? 0 : now + durationMs(expires);
            List<String> peers = bootstrap == null ? List.of()
                    : bootstrap.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
            if (peers.isEmpty()) {
                peers = nodeAddresses(key);
            }
            JoinToken token = JoinToken.invite(key, r, name, now, until, peers);
            spec.commandLine().getOut().println(token.encode());
            if (peers.isEmpty()) {
                spec.commandLine().getErr().println("colony: note: the token names no bootstrap peer; pass --bootstrap"
                        + " to 'colony node start'");
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

    @Command(name = "revoke", description = {"Revoke a member: its records from now on count nowhere,",
            "and peers refuse new connections from its key. Sign with the owner's key (--key or --data DEV_DIR)."})
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
            client.as(owner.load(client)).revoke(id, reason);
            spec.commandLine().getOut().println("revoked " + id);
            return 0;
        }
    }

    /** Milliseconds of a duration like 90s, 30m, 24h, 7d. */
    static long durationMs(String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException("--expires takes a duration like 90m, 24h or 30d, not " + text);
        }
        long n = Long.parseLong(m.group(1));
        return n * switch (m.group(2)) {
            case "s" -> 1_000L;
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            default -> 86_400_000L;
        };
    }
}
