package io.colony.node.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operating-system process groups: starting a program as the leader of its own session (so that it
 * and everything it spawns can be signalled at once) and signalling whole groups.
 */
final class ProcessGroups {

    private static final Logger log = LoggerFactory.getLogger(ProcessGroups.class);
    private static final Optional<String> SETSID = findSetsid();

    private ProcessGroups() {
    }

    /** True when children can be started in their own session (Linux with util-linux). */
    static boolean supported() {
        return SETSID.isPresent();
    }

    /**
     * The command that runs {@code command} as a session leader. A child of the JVM is never a
     * group leader, so {@code setsid} execs in place: the child's pid is its process group id.
     * {@code --} ends setsid's options: the command is never taken as one (e.g. a program named
     * {@code -f} would make setsid fork and the program escape the group kill).
     */
    static List<String> inNewSession(List<String> command) {
        if (SETSID.isEmpty()) {
            return command;
        }
        var cmd = new java.util.ArrayList<String>(command.size() + 2);
        cmd.add(SETSID.get());
        cmd.add("--");
        cmd.addAll(command);
        return cmd;
    }

    /** Sends a signal (e.g. {@code TERM}, {@code KILL}) to every process of a group. */
    static void signal(long pgid, String signal) {
        if (pgid <= 1) {
            return;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!kill.waitFor(5, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            log.warn("cannot signal process group {}: {}", pgid, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Optional<String> findSetsid() {
        for (String p : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(p))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
