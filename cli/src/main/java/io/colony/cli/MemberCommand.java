package io.colony.cli;

import io.colony.protocol.pb.Role;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code colony member ...}: colony membership (signed with the owner's key). */
@Command(name = "member", description = "Admit members to the colony (sign with the owner key).",
        subcommands = MemberCommand.Add.class)
final class MemberCommand {

    private MemberCommand() {
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
            Role r = switch (role.toLowerCase(Locale.ROOT)) {
                case "user" -> Role.USER;
                case "executor" -> Role.EXECUTOR;
                case "node" -> Role.NODE;
                default -> throw new IllegalArgumentException("--role must be user, executor or node");
            };
            client.signing().admit(id, r, name);
            spec.commandLine().getOut().println("admitted " + id + " as " + r.name().toLowerCase(Locale.ROOT));
            return 0;
        }
    }
}
