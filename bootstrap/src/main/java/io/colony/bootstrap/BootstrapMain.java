package io.colony.bootstrap;

/**
 * The bootstrap peer's main: the same as {@code colony bootstrap ARGS}, a colony node without
 * executors and without HTTP API that other nodes join through (see {@code colony bootstrap --help}).
 * Fit for a small public machine: {@code java -Xmx64m -cp colony.jar io.colony.bootstrap.BootstrapMain
 * --data DIR --join TOKEN}.
 */
public final class BootstrapMain {

    private BootstrapMain() {
    }

    /** Runs {@code colony bootstrap} with {@code args}; exits with its status. */
    public static void main(String[] args) {
        String[] all = new String[args.length + 1];
        all[0] = "bootstrap";
        System.arraycopy(args, 0, all, 1, args.length);
        io.colony.cli.Main.main(all);
    }
}
