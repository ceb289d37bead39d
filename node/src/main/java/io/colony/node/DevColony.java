package io.colony.node;

import io.colony.node.exec.ExecPolicy;
import io.colony.protocol.Hex;
import io.colony.protocol.Identity;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A development colony in one data dir: an owner key (the colony id), a node key and a user key, with
 * the node and the user admitted by the owner. Created on first use and reused afterwards.
 *
 * @param dir   the data dir
 * @param owner the colony owner
 * @param node  the node's key (also in {@code node.key}, where the node reads it)
 * @param user  a user allowed to submit and read
 */
public record DevColony(Path dir, Identity owner, Identity node, Identity user) {

    /** File of the owner key in a dev data dir. */
    public static final String OWNER_KEY = "owner.key";
    /** File of the user key in a dev data dir. */
    public static final String USER_KEY = "user.key";
    /** File holding the colony id (hex) in any data dir. */
    public static final String COLONY_ID = "colony.id";

    /** Creates the keys in {@code dir} if missing, and reads them. */
    public static DevColony prepare(Path dir) {
        KeyFiles.secureDir(dir);
        Identity owner = KeyFiles.readOrCreate(dir.resolve(OWNER_KEY));
        Identity user = KeyFiles.readOrCreate(dir.resolve(USER_KEY));
        Identity node = KeyFiles.readOrCreate(dir.resolve("node.key"));
        writeColonyId(dir, owner.memberId());
        return new DevColony(dir, owner, node, user);
    }

    /** The colony id (hex). */
    public String colonyId() {
        return owner.memberId();
    }

    /**
     * Node config for this colony with the defaults of {@link NodeConfig#of}, except that its
     * {@code cli} executor runs any program ({@link ExecPolicy#allowAll()}): a development colony
     * runs what its own user submits.
     */
    public NodeConfig nodeConfig() {
        return NodeConfig.of(dir, colonyId()).withExecPolicy(ExecPolicy.allowAll());
    }

    /** Admits the node and the user (owner-signed) unless they are members already. */
    public void admitMembers(Node running) {
        RecordFactory f = new RecordFactory(owner, owner.publicKey());
        long now = System.currentTimeMillis();
        List<SignedRecord> admits = new ArrayList<>();
        if (!running.isMember(node.publicKey()).join()) {
            admits.add(f.admit(now, node.publicKey(), Role.NODE, running.name(), 0, true)); // the colony's first node votes
        }
        if (!running.isMember(user.publicKey()).join()) {
            admits.add(f.admit(now, user.publicKey(), Role.USER, "dev-user", 0));
        }
        if (!admits.isEmpty()) {
            running.applyRecords(admits).join();
        }
    }

    /** Writes {@code colony.id} in a data dir (if absent) so that the node can be started without flags. */
    public static void writeColonyId(Path dir, String colonyId) {
        Path file = dir.resolve(COLONY_ID);
        try {
            KeyFiles.secureDir(dir);
            if (!Files.exists(file)) {
                Files.writeString(file, colonyId + "\n", StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Reads {@code colony.id} of a data dir, or null if absent. */
    public static String readColonyId(Path dir) {
        Path file = dir.resolve(COLONY_ID);
        if (!Files.exists(file)) {
            return null;
        }
        try {
            String id = Files.readString(file, StandardCharsets.UTF_8).trim();
            Hex.decode(id, 32, "colony id in " + file);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
