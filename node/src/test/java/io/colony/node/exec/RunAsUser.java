package io.colony.node.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Test helper: an unprivileged OS user for {@code --run-as} tests (created once when running as root). */
public final class RunAsUser {

    public static final String NAME = "colonyrunas";

    private RunAsUser() {
    }

    /** True when this test run may create (or already has) the user: root, useradd and setpriv present. */
    public static boolean canCreate() {
        return "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/setpriv"))
                && (Files.isExecutable(Path.of("/usr/sbin/useradd")) || exists());
    }

    /** Creates the user if missing; returns its name. */
    public static synchronized String ensure() throws Exception {
        if (!exists()) {
            Process p = new ProcessBuilder("/usr/sbin/useradd", "--system", "--no-create-home", "--shell",
                    "/usr/sbin/nologin", NAME).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || (p.exitValue() != 0 && !exists())) {
                throw new IllegalStateException("useradd " + NAME + " failed");
            }
        }
        return NAME;
    }

    private static boolean exists() {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith(NAME + ":"));
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
