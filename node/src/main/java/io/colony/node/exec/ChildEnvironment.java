package io.colony.node.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The environment and identity a child runs with: never the node's environment, and, with
 * {@code --run-as USER}, another operating-system user.
 *
 * <p>Every child gets {@code PATH} ({@link ExecPolicy#CLEAN_PATH}), {@code HOME}, {@code USER},
 * {@code LOGNAME} (of the user it runs as), {@code LANG=C.UTF-8}, {@code TMPDIR=/tmp}, then the
 * variables of its request (the spec's {@code env} and the executor's {@code COLONY_*}).
 *
 * <p>Run-as uses util-linux {@code setpriv} (no shell, no PAM): {@code setpriv --reuid=U --regid=G
 * --init-groups -- PROGRAM ARGS}; it needs the node to run as root.
 */
final class ChildEnvironment {

    private static final List<String> SETPRIV = List.of("/usr/bin/setpriv", "/bin/setpriv");

    private final String user;
    private final String home;
    private final List<String> prefix;

    private ChildEnvironment(String user, String home, List<String> prefix) {
        this.user = user;
        this.home = home;
        this.prefix = List.copyOf(prefix);
    }

    /** Children as the node's own user. */
    static ChildEnvironment ofNodeUser() {
        return new ChildEnvironment(System.getProperty("user.name", ""), System.getProperty("user.home", "/"),
                List.of());
    }

    /**
     * Children as OS user {@code name}.
     *
     * @throws IllegalArgumentException unknown user, no setpriv, or the node cannot switch users
     */
    static ChildEnvironment runAs(String name) {
        String setpriv = SETPRIV.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--run-as needs setpriv (util-linux), not found in "
                        + String.join(" or ", SETPRIV)));
        String[] pw = passwd(name);
        if (pw == null) {
            throw new IllegalArgumentException("--run-as: no such user '" + name + "'");
        }
        long uid = Long.parseLong(pw[2]);
        long gid = Long.parseLong(pw[3]);
        if (uid == 0) {
            throw new IllegalArgumentException("--run-as " + name + ": that is root; name an unprivileged user");
        }
        Long self = ownUid();
        if (self != null && self != 0 && self != uid) {
            throw new IllegalArgumentException("--run-as " + name + ": the node must run as root to start children as"
                    + " another user (it runs as uid " + self + ")");
        }
        List<String> prefix = self != null && self == uid ? List.of()
                : List.of(setpriv, "--reuid=" + uid, "--regid=" + gid, "--init-groups", "--");
        return new ChildEnvironment(name, pw[5].isEmpty() ? "/" : pw[5], prefix);
    }

    /** The command that runs {@code command} (an absolute program path, then its arguments) as this user. */
    List<String> wrap(List<String> command) {
        if (prefix.isEmpty()) {
            return command;
        }
        List<String> out = new ArrayList<>(prefix.size() + command.size());
        out.addAll(prefix);
        out.addAll(command);
        return out;
    }

    /** True when children run as another user than the node's. */
    boolean switchesUser() {
        return !prefix.isEmpty();
    }

    /** The home directory of the user children run as. */
    String home() {
        return home;
    }

    /** The complete environment of a child: the fixed variables, then {@code extra}. */
    Map<String, String> environment(Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", ExecPolicy.CLEAN_PATH);
        env.put("HOME", home);
        if (!user.isEmpty()) {
            env.put("USER", user);
            env.put("LOGNAME", user);
        }
        env.put("LANG", "C.UTF-8");
        env.put("TMPDIR", "/tmp");
        env.putAll(extra);
        return env;
    }

    private static Long ownUid() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return ((Number) uid).longValue();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The passwd entry of {@code name} (getent, then /etc/passwd), split on ':'; null if none. */
    private static String[] passwd(String name) {
        try {
            Process p = new ProcessBuilder("getent", "passwd", "--", name).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                String[] f = out.split("\n")[0].split(":", -1);
                if (f.length >= 7 && f[0].equals(name)) {
                    return f;
                }
            }
        } catch (IOException e) {
            // no getent: read the file
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"), StandardCharsets.UTF_8)) {
                String[] f = line.split(":", -1);
                if (f.length >= 7 && f[0].equals(name)) {
                    return f;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
