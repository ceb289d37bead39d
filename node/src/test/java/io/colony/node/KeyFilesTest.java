package io.colony.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.colony.protocol.Identity;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys are readable by their owner only: key files 0600 in 0700 data dirs, wider ones narrowed. */
class KeyFilesTest {

    @TempDir
    Path dir;

    @BeforeEach
    void posix() {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void newKeyFilesAre0600InA0700Dir() throws Exception {
        Path data = dir.resolve("a/node");
        KeyFiles.write(data.resolve("node.key"), Identity.generate());
        assertEquals("rw-------", mode(data.resolve("node.key")));
        assertEquals("rwx------", mode(data));
        assertEquals("rwx------", mode(dir.resolve("a")));
    }

    @Test
    void aKeyWrittenIntoAnExistingDirLeavesTheDirAsItIs() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        KeyFiles.write(home.resolve("user.key"), Identity.generate());
        assertEquals("rw-------", mode(home.resolve("user.key")));
        assertEquals("rwxr-xr-x", mode(home));
    }

    @Test
    void aDevColonyKeepsItsKeysPrivate() throws Exception {
        Path data = dir.resolve("dev");
        DevColony.prepare(data);
        assertEquals("rwx------", mode(data));
        for (String f : new String[] {DevColony.OWNER_KEY, DevColony.USER_KEY, "node.key"}) {
            assertEquals("rw-------", mode(data.resolve(f)), f);
        }
    }

    @Test
    void aNodesWiderDataDirAndKeyFileAreNarrowedAtStart() throws Exception {
        Path data = Files.createDirectories(dir.resolve("old"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path key = data.resolve("node.key");
        Files.writeString(key, Identity.generate().privateKeyHex() + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        KeyFiles.readOrCreateInDataDir(key);
        assertEquals("rw-------", mode(key));
        assertEquals("rwx------", mode(data));
    }
}
