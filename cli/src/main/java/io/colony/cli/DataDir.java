package io.colony.cli;

import io.colony.node.DevColony;
import io.colony.node.KeyFiles;
import io.colony.node.cluster.JoinToken;
import io.colony.protocol.Hex;
import io.colony.protocol.Identity;
import io.colony.protocol.pb.SignedRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Prepares the data dir of a node that joins a colony. On the first start with a join token it writes
 * the token's key as {@code node.key}, the colony id as {@code colony.id} and the bootstrap addresses
 * as {@code bootstrap.peers}; later starts need only the data dir.
 *
 * @param dir       the data dir
 * @param colonyId  the colony id (hex)
 * @param ownAdmit  the owner's Admit of the node key from the token (null without a token)
 * @param bootstrap the peers to join through (may be empty)
 */
record DataDir(Path dir, String colonyId, SignedRecord ownAdmit, List<String> bootstrap) {

    /** File of the last bootstrap addresses, one per line. */
    static final String BOOTSTRAP_FILE = "bootstrap.peers";
    private static final long MAX_BOOTSTRAP_FILE = 64 * 1024;

    /**
     * @param dir       the data dir (created if missing)
     * @param colonyOpt {@code --colony}, or null
     * @param tokenText {@code --join}, or null
     * @param peers     {@code --bootstrap} addresses (empty: the token's, else the data dir's)
     * @throws IllegalArgumentException with one readable line for a bad token or a data dir of another
     *     colony or node
     */
    static DataDir prepare(Path dir, String colonyOpt, String tokenText, List<String> peers) {
        String stored = DevColony.readColonyId(dir);
        if (tokenText != null) {
            if (tokenText.strip().startsWith("@")) {
                // the command line expands @FILE into the file's content; what is left names no readable file
                String f = tokenText.strip().substring(1);
                throw new IllegalArgumentException("--join @" + f + ": " + (Files.exists(Path.of(f)) ? "cannot read the file"
                        : "no such file") + " (--join @FILE reads the token from FILE)");
            }
            JoinToken token = JoinToken.decode(tokenText);
            String colony = Hex.encode(token.colony());
            checkSameColony(dir, stored, colony, "the join token");
            if (Files.exists(dir.resolve(DevColony.OWNER_KEY))) {
                throw new IllegalArgumentException("data dir " + dir + " is a dev colony's (it holds " + DevColony.OWNER_KEY
                        + "); a join token is for a fresh data dir (use another --data dir)");
            }
            if (colonyOpt != null && !colonyOpt.strip().equalsIgnoreCase(colony)) {
                throw new IllegalArgumentException("--colony " + colonyOpt.strip() + " is not the join token's colony " + colony);
            }
            writeNodeKey(dir, token.member());
            DevColony.writeColonyId(dir, colony);
            List<String> boot = peers.isEmpty() ? token.bootstrap() : peers;
            writeBootstrap(dir, boot);
            return new DataDir(dir, colony, token.admit(), boot);
        }
        String colony = colonyOpt != null ? colonyOpt.strip().toLowerCase() : stored;
        if (colony == null) {
            throw new IllegalArgumentException("no colony in " + dir + ": join one with --join TOKEN (from 'colony member invite')"
                    + " or pass --colony ID");
        }
        Hex.decode(colony, 32, "--colony");
        checkSameColony(dir, stored, colony, "--colony");
        DevColony.writeColonyId(dir, colony);
        if (!peers.isEmpty()) {
            writeBootstrap(dir, peers);
        }
        return new DataDir(dir, colony, null, peers.isEmpty() ? readBootstrap(dir) : peers);
    }

    /**
     * Refuses a data dir that is not a dev colony's for {@code colony dev}: one that holds a node key or
     * a colony id but no owner key is a node that joined a colony (or a bootstrap peer), and dev would
     * give it an owner and a user that do not match its colony.
     *
     * @throws IllegalArgumentException with one line saying what the dir is and what to run instead
     */
    static void checkDevDir(Path dir) {
        if (Files.exists(dir.resolve(DevColony.OWNER_KEY))) {
            String stored = DevColony.readColonyId(dir);
            String owner = KeyFiles.read(dir.resolve(DevColony.OWNER_KEY)).memberId();
            if (stored != null && !stored.equals(owner)) {
                throw new IllegalArgumentException("data dir " + dir + " belongs to colony " + stored + " but its "
                        + DevColony.OWNER_KEY + " is the owner of colony " + owner + " (use another --data dir)");
            }
            return;
        }
        String stored = DevColony.readColonyId(dir);
        if (stored != null || Files.exists(dir.resolve("node.key"))) {
            throw new IllegalArgumentException("data dir " + dir + " is a node of "
                    + (stored == null ? "a colony" : "colony " + stored) + " without its owner key, not a dev colony:"
                    + " start it with 'colony node start --data " + dir + "' (or 'colony bootstrap'), or give"
                    + " 'colony dev' another --data dir");
        }
    }

    /**
     * The name the owner gave this node in its invitation (the join token's Admit), "" if none, no token,
     * or not usable as an executor name (1..64 letters, digits, '.', '_', '-', '@').
     */
    String invitedName() {
        if (ownAdmit == null) {
            return "";
        }
        String name = io.colony.protocol.Records.decode(ownAdmit).record().getAdmit().getName().strip();
        return name.matches("[A-Za-z0-9._@-]{1,64}") ? name : "";
    }

    private static void checkSameColony(Path dir, String stored, String wanted, String source) {
        if (stored != null && !stored.equals(wanted)) {
            throw new IllegalArgumentException("data dir " + dir + " belongs to colony " + stored + ", but " + source
                    + " is for colony " + wanted + " (use another --data dir)");
        }
    }

    private static void writeNodeKey(Path dir, Identity member) {
        Path file = dir.resolve("node.key");
        if (Files.exists(file)) {
            if (!KeyFiles.read(file).memberId().equals(member.memberId())) {
                throw new IllegalArgumentException("data dir " + dir + " already has another node key; a join token is"
                        + " for a fresh data dir (restart this one with --data only)");
            }
            return;
        }
        KeyFiles.write(file, member);
    }

    private static void writeBootstrap(Path dir, List<String> peers) {
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(BOOTSTRAP_FILE), peers, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(BOOTSTRAP_FILE) + ": " + e.getMessage(), e);
        }
    }

    private static List<String> readBootstrap(Path dir) {
        Path file = dir.resolve(BOOTSTRAP_FILE);
        try {
            if (!Files.exists(file) || Files.size(file) > MAX_BOOTSTRAP_FILE) {
                return List.of();
            }
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(s -> s.startsWith("/")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
