package io.colony.node.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExecPolicyTest {

    private static final String ECHO = ExecPolicy.resolve("echo").orElseThrow();

    @Test
    void nothingIsAllowedWithoutAnAllowList() {
        ExecPolicy.Decision d = ExecPolicy.denyAll().check("cat", List.of("/etc/passwd"), false);
        assertFalse(d.allowed());
        assertTrue(d.reason().contains("not allowed by this node's operator: add --allow"), d.reason());
    }

    @Test
    void aNameIsResolvedOnTheCleanPathAndTheAbsolutePathRuns() {
        ExecPolicy p = ExecPolicy.of(List.of("echo"));
        ExecPolicy.Decision d = p.check("echo", List.of("hi"), false);
        assertTrue(d.allowed(), d::toString);
        assertEquals(List.of(ECHO, "hi"), d.command());
        assertTrue(p.check(ECHO, List.of(), false).allowed());
        assertFalse(p.check("cat", List.of("x"), false).allowed());
        assertFalse(p.check("/bin/../usr/bin/cat", List.of("x"), false).allowed());
    }

    @Test
    void allowedNamesNotOnThePathAreReported() {
        assertEquals(List.of("no-such-program-xyz"),
                ExecPolicy.of(List.of("echo", "no-such-program-xyz", "*")).unresolvedPrograms());
    }

    @Test
    void argumentGlobsRestrictTheArguments() {
        ExecPolicy p = ExecPolicy.of(List.of(ECHO + " hello *"));
        assertTrue(p.check("echo", List.of("hello", "big", "world"), false).allowed());
        assertFalse(p.check("echo", List.of("bye"), false).allowed());
        assertTrue(ExecPolicy.Glob.matches("a?c*", "abcdef"));
        assertFalse(ExecPolicy.Glob.matches("a?c", "abcd"));
    }

    @Test
    void shellNeedsBinShAllowed() {
        assertFalse(ExecPolicy.of(List.of("echo")).check("echo hi", List.of(), true).allowed());
        ExecPolicy.Decision d = ExecPolicy.of(List.of("/bin/sh")).check("-f sleep 1", List.of(), true);
        assertTrue(d.allowed());
        assertEquals(List.of("/bin/sh", "-c", "--", "-f sleep 1"), d.command());
        assertTrue(ExecPolicy.of(List.of("sh")).check("echo hi", List.of(), true).allowed());
        assertTrue(ExecPolicy.allowAll().check("echo hi", List.of(), true).allowed());
    }

    @Test
    void namesThatAreOptionsOrRelativePathsNeverRun() {
        for (String f : List.of("-f", "--help", "./evil", "bin/evil", "no-such-program-xyz", " ")) {
            assertFalse(ExecPolicy.allowAll().check(f, List.of(), false).allowed(), f);
        }
        assertThrows(IllegalArgumentException.class, () -> ExecPolicy.of(List.of("bin/x")));
        assertThrows(IllegalArgumentException.class, () -> ExecPolicy.of(List.of(" ")));
        assertThrows(IllegalArgumentException.class, () -> ExecPolicy.allowAll().withRunAs("a b"));
    }
}
