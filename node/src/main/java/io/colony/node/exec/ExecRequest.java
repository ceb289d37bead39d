package io.colony.node.exec;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the {@code cli} executor runs: a program and its arguments, extra environment variables,
 * and a time limit.
 *
 * @param funcname    the program (a name looked up on {@link ExecPolicy#CLEAN_PATH}, or an absolute
 *                    path), or a shell command line when {@code shell}
 * @param args        arguments passed verbatim (no shell interpretation unless {@code shell})
 * @param env         variables added to the child's clean environment (see {@link ChildEnvironment})
 * @param shell       run {@code /bin/sh -c "funcname args..."} instead of the program itself
 * @param maxExecTime the process tree is killed after this long; {@code null} or zero: no limit
 */
public record ExecRequest(String funcname, List<String> args, Map<String, String> env, boolean shell,
                          Duration maxExecTime) {

    public ExecRequest {
        Objects.requireNonNull(funcname, "funcname");
        args = List.copyOf(args == null ? List.of() : args);
        env = Map.copyOf(env == null ? Map.of() : env);
        if (maxExecTime != null && (maxExecTime.isZero() || maxExecTime.isNegative())) {
            maxExecTime = null;
        }
    }

    /** A request without environment, shell or time limit. */
    public static ExecRequest of(String funcname, String... args) {
        return new ExecRequest(funcname, List.of(args), Map.of(), false, null);
    }
}
