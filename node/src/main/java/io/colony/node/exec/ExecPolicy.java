package io.colony.node.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a node's operator allows its {@code cli} executor to run, and as whom.
 *
 * <p>An allow-list of patterns {@code PROGRAM [ARGS-GLOB]}:
 * <ul>
 * <li>{@code PROGRAM} is an absolute path, a program name (looked up on {@link #CLEAN_PATH}) or
 * {@code *} (any program);</li>
 * <li>{@code ARGS-GLOB}, optional, is matched against the arguments joined by single spaces:
 * {@code *} matches any characters, {@code ?} one character; without it any arguments are allowed.</li>
 * </ul>
 * A spec's {@code funcname} is resolved the same way (a name on {@link #CLEAN_PATH}, or an absolute
 * path; relative paths and names starting with {@code -} are refused) and the resolved absolute
 * path is what runs, so an argument or a name is never taken as an option of a wrapper.
 * {@code shell: true} runs {@code /bin/sh -c -- LINE} and is allowed only when
 * {@code /bin/sh} (or {@code sh}) is allowed with arguments matching {@code -c LINE}.
 *
 * <p>An empty list allows nothing. Immutable and thread-safe.
 */
public final class ExecPolicy {

    /** The {@code PATH} children get and programs are looked up on. */
    public static final String CLEAN_PATH = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin";
    /** The shell of {@code shell: true} specs. */
    public static final String SHELL = "/bin/sh";

    private static final ExecPolicy DENY_ALL = new ExecPolicy(List.of(), null);
    private static final ExecPolicy ALLOW_ALL = new ExecPolicy(List.of(Rule.parse("*")), null);

    private final List<Rule> rules;
    private final String runAs;

    private ExecPolicy(List<Rule> rules, String runAs) {
        this.rules = List.copyOf(rules);
        this.runAs = runAs;
    }

    /** Runs nothing (the default of a node started without an allow-list). */
    public static ExecPolicy denyAll() {
        return DENY_ALL;
    }

    /** Runs everything (development colonies, tests). */
    public static ExecPolicy allowAll() {
        return ALLOW_ALL;
    }

    /**
     * A policy allowing {@code patterns}.
     *
     * @throws IllegalArgumentException a pattern that is blank or names a relative path
     */
    public static ExecPolicy of(List<String> patterns) {
        List<Rule> rules = new ArrayList<>();
        for (String p : patterns) {
            rules.add(Rule.parse(p));
        }
        return new ExecPolicy(rules, null);
    }

    /**
     * This policy with children run as OS user {@code user} ({@code null}: as the node's user).
     *
     * @throws IllegalArgumentException a name that is not a plain user name
     */
    public ExecPolicy withRunAs(String user) {
        if (user != null && !user.matches("[A-Za-z_][A-Za-z0-9_.-]{0,31}\\$?")) {
            throw new IllegalArgumentException("run-as user '" + user + "' is not a user name");
        }
        return new ExecPolicy(rules, user);
    }

    /**
     * Checks that children can be started as {@link #runAs()} here (the user exists and is not root,
     * setpriv is installed, the node runs as root); does nothing without run-as.
     *
     * @throws IllegalArgumentException one line saying what is wrong
     */
    public void checkRunAs() {
        if (runAs != null) {
            ChildEnvironment.runAs(runAs);
        }
    }

    /** The OS user children run as, or {@code null} for the node's own user. */
    public String runAs() {
        return runAs;
    }

    /** True when no program may run. */
    public boolean allowsNothing() {
        return rules.isEmpty();
    }

    /** True when every program may run with any arguments. */
    public boolean allowsEverything() {
        return rules.stream().anyMatch(r -> r.anyProgram() && r.argsGlob == null);
    }

    /** The programs of the allow-list that are names not found on {@link #CLEAN_PATH} (they match nothing for now). */
    public List<String> unresolvedPrograms() {
        return rules.stream().map(r -> r.program).filter(p -> !p.equals("*") && resolve(p).isEmpty()).toList();
    }

    /** The patterns as given. */
    public List<String> patterns() {
        return rules.stream().map(r -> r.text).toList();
    }

    /**
     * The decision for a spec.
     *
     * @param funcname the program (a name or an absolute path), or the shell command line
     * @param args     its arguments
     * @param shell    {@code funcname args...} is a shell command line
     */
    public Decision check(String funcname, List<String> args, boolean shell) {
        Objects.requireNonNull(funcname, "funcname");
        List<String> argv = new ArrayList<>();
        String program;
        String nameForShell = null;
        if (shell) {
            StringBuilder line = new StringBuilder(funcname);
            for (String a : args) {
                line.append(' ').append(a);
            }
            program = SHELL;
            nameForShell = "sh";
            argv.add("-c");
            argv.add(line.toString());
        } else {
            Optional<String> resolved = resolve(funcname);
            if (resolved.isEmpty()) {
                return Decision.refused(why(funcname));
            }
            program = resolved.get();
            argv.addAll(args);
        }
        String joined = String.join(" ", argv);
        for (Rule r : rules) {
            if (r.programMatches(program, nameForShell) && (r.argsGlob == null || Glob.matches(r.argsGlob, joined))) {
                List<String> command = new ArrayList<>(argv.size() + 2);
                command.add(program);
                if (shell) {
                    // "--": a command line starting with '-' is never taken as options of the shell
                    command.addAll(List.of("-c", "--", argv.get(1)));
                } else {
                    command.addAll(argv);
                }
                return new Decision(true, command, null);
            }
        }
        String what = shell ? "shell: true (runs " + SHELL + " -c ...)" : "program " + program;
        return Decision.refused(what + " is not allowed by this node's operator: add --allow "
                + (shell ? SHELL : program) + " (or executor.allow) to the node that should run it");
    }

    private static String why(String funcname) {
        if (funcname.startsWith("-")) {
            return "funcname '" + funcname + "' starts with '-': not a program";
        }
        if (funcname.contains("/")) {
            return "funcname '" + funcname + "' must be a program name or an absolute path";
        }
        return "program '" + funcname + "' not found on the node's PATH (" + CLEAN_PATH + ")";
    }

    /**
     * The absolute path {@code program} runs: an absolute path (normalised) as given, a name looked
     * up on {@link #CLEAN_PATH}; empty for relative paths, names starting with {@code -}, blank names
     * and names not found.
     */
    public static Optional<String> resolve(String program) {
        if (program.isBlank() || program.startsWith("-") || program.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        if (program.startsWith("/")) {
            return Optional.of(Path.of(program).normalize().toString());
        }
        if (program.contains("/")) {
            return Optional.empty();
        }
        for (String dir : CLEAN_PATH.split(":")) {
            Path p = Path.of(dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p.toString());
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        if (rules.isEmpty()) {
            return "nothing";
        }
        return String.join(", ", patterns()) + (runAs == null ? "" : " as user " + runAs);
    }

    /**
     * What a policy says about one spec.
     *
     * @param allowed true if it may run
     * @param command the command line to run: the absolute program path, then its arguments (empty if refused)
     * @param reason  why it is refused (null if allowed)
     */
    public record Decision(boolean allowed, List<String> command, String reason) {

        public Decision {
            command = List.copyOf(command);
        }

        static Decision refused(String reason) {
            return new Decision(false, List.of(), reason);
        }
    }

    /** One allow-list entry. */
    private record Rule(String text, String program, String argsGlob) {

        static Rule parse(String pattern) {
            if (pattern == null || pattern.isBlank()) {
                throw new IllegalArgumentException("an allow pattern must not be blank");
            }
            String p = pattern.strip();
            int space = p.indexOf(' ');
            String program = space < 0 ? p : p.substring(0, space);
            String glob = space < 0 ? null : p.substring(space + 1).strip();
            if (!program.equals("*") && !program.startsWith("/") && program.contains("/")) {
                throw new IllegalArgumentException("allow pattern '" + pattern
                        + "': the program must be a name, an absolute path or *");
            }
            if (program.startsWith("-")) {
                throw new IllegalArgumentException("allow pattern '" + pattern + "': a program cannot start with '-'");
            }
            return new Rule(p, program, glob == null || glob.isEmpty() ? null : glob);
        }

        boolean anyProgram() {
            return program.equals("*");
        }

        boolean programMatches(String resolved, String shellName) {
            if (anyProgram()) {
                return true;
            }
            if (shellName != null && program.equals(shellName)) {
                return true;
            }
            return resolve(program).map(resolved::equals).orElse(false);
        }
    }

    /** Glob matching: {@code *} any characters (spaces and slashes too), {@code ?} one character. */
    static final class Glob {
        private Glob() {
        }

        static boolean matches(String glob, String text) {
            int g = 0;
            int t = 0;
            int star = -1;
            int mark = 0;
            while (t < text.length()) {
                if (g < glob.length() && (glob.charAt(g) == '?' || glob.charAt(g) == text.charAt(t))) {
                    g++;
                    t++;
                } else if (g < glob.length() && glob.charAt(g) == '*') {
                    star = g++;
                    mark = t;
                } else if (star >= 0) {
                    g = star + 1;
                    t = ++mark;
                } else {
                    return false;
                }
            }
            while (g < glob.length() && glob.charAt(g) == '*') {
                g++;
            }
            return g == glob.length();
        }
    }
}
