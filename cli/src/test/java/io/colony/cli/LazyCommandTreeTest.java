package io.colony.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.cli.DataDirSafetyTest.Result;
import org.junit.jupiter.api.Test;

/**
 * A command names its group and one subcommand (e.g. {@code process ps}): only that subcommand is
 * built, so the group's help, the subcommand's help, usage errors and unknown subcommands must read
 * exactly as with the whole tree.
 */
class LazyCommandTreeTest {

    @Test
    void aSubcommandAloneHelpsParsesAndNamesItselfAsInTheWholeTree() {
        Result help = DataDirSafetyTest.colony("process", "ps", "--help");
        assertEquals(0, help.status(), help.err());
        assertTrue(help.out().startsWith("Usage: colony process ps "), help.out());
        assertTrue(help.out().contains("--limit"), help.out());

        Result bad = DataDirSafetyTest.colony("process", "ps", "--limit", "abc");
        assertEquals(Main.EXIT_USAGE, bad.status());
        assertTrue(bad.err().contains("(see 'colony process ps --help')"), bad.err());

        Result alias = DataDirSafetyTest.colony("process", "psw", "--help");
        assertEquals(0, alias.status(), alias.err());
        assertTrue(alias.out().startsWith("Usage: colony process psw"), alias.out());
    }

    @Test
    void theGroupAloneOrAnUnknownSubcommandStillSeesEverySubcommand() {
        Result group = DataDirSafetyTest.colony("process", "--help");
        assertEquals(0, group.status(), group.err());
        for (String sub : new String[] {"submit", "exec", "get", "ps", "psw", "wait", "cancel"}) {
            assertTrue(group.out().contains("  " + sub + " "), sub + " in\n" + group.out());
        }
        Result unknown = DataDirSafetyTest.colony("process", "pz");
        assertEquals(Main.EXIT_USAGE, unknown.status());
        assertTrue(unknown.err().contains("pz"), unknown.err());
    }
}
