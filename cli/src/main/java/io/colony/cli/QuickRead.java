package io.colony.cli;

import io.colony.protocol.ProcessState;
import io.colony.sdk.ColonyClient;
import java.io.PrintWriter;
import java.util.Map;

/**
 * The read commands that scripts call in loops, run without building picocli's model: {@code process
 * get ID}, {@code process ps} (and {@code psw}, {@code psr}, {@code pss}, {@code psf}) and {@code node
 * info}, with {@code --json}, {@code --host}, {@code --port} and {@code --key} only. Picocli is Java 5
 * bytecode, which the class-data archive cannot hold: its classes are loaded and verified again at
 * every start, about a third of such a command's time. Any other argument (help, another option, a
 * repeated one, a value picocli would refuse) goes through picocli as usual, so the messages and exit
 * statuses stay those of {@link Main}; these commands print exactly what their picocli form prints.
 */
final class QuickRead {

    private QuickRead() {
    }

    /**
     * Runs {@code args} if it is one of these commands, returning its exit status; -1 if it is not
     * (then nothing was printed nor sent).
     */
    static int run(PrintWriter out, PrintWriter err, Map<String, String> env, String... args) {
        if (args.length < 2) {
            return -1;
        }
        String command = args[0] + " " + args[1];
        ProcessState state = null;
        boolean takesId = false;
        switch (command) {
            case "process get" -> takesId = true;
            case "process ps", "node info" -> {
            }
            case "process psw" -> state = ProcessState.WAITING;
            case "process psr" -> state = ProcessState.RUNNING;
            case "process pss" -> state = ProcessState.SUCCESS;
            case "process psf" -> state = ProcessState.FAILED;
            default -> {
                return -1;
            }
        }
        ClientOptions client = new ClientOptions();
        if (!fromEnvironment(client, env)) {
            return -1;
        }
        String id = null;
        boolean json = false;
        boolean host = false;
        boolean port = false;
        boolean key = false;
        for (int i = 2; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            } else if ((a.equals("--host") || a.equals("--port") || a.equals("--key")) && i + 1 < args.length) {
                value = args[++i];
                if (value.startsWith("-")) {
                    return -1; // picocli's to judge: a value or a forgotten one
                }
            }
            switch (name) {
                case "--json" -> {
                    if (json || value != null) {
                        return -1;
                    }
                    json = true;
                }
                case "--host" -> {
                    if (host || value == null || value.isEmpty()) {
                        return -1;
                    }
                    host = true;
                    client.host = value;
                }
                case "--port" -> {
                    if (port || value == null || !value.matches("[1-9][0-9]{0,4}")) {
                        return -1;
                    }
                    port = true;
                    client.port = Integer.parseInt(value);
                }
                case "--key" -> {
                    if (key || value == null) {
                        return -1;
                    }
                    key = true;
                    client.key = value;
                }
                default -> {
                    if (!takesId || id != null || a.isEmpty() || a.startsWith("-") || a.startsWith("@")) {
                        return -1;
                    }
                    id = a;
                }
            }
        }
        if (takesId && id == null) {
            return -1;
        }
        try {
            ColonyClient c = client.reading();
            if (command.equals("node info")) {
                show(out, json, c.nodeInfo(), Printer::nodeInfo);
            } else if (takesId) {
                show(out, json, c.get(c.resolveId("process", id)), Printer::process);
            } else {
                show(out, json, c.list(state, null, null, 100), Printer::table);
            }
            return 0;
        } catch (RuntimeException e) {
            err.println("colony: " + Colony.message(e));
            return Main.EXIT_ERROR;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The client settings picocli would take from the environment; false if it might read them otherwise. */
    private static boolean fromEnvironment(ClientOptions client, Map<String, String> env) {
        for (String name : new String[] {"COLONY_HOST", "COLONY_PORT", "COLONY_PRVKEY", "COLONY_TLS",
                "COLONY_TLS_FINGERPRINT"}) {
            String v = env.get(name);
            if (v != null && v.isEmpty()) {
                return false;
            }
        }
        String port = env.getOrDefault("COLONY_PORT", "50080");
        if (!port.matches("[1-9][0-9]{0,4}")) {
            return false;
        }
        client.host = env.getOrDefault("COLONY_HOST", "127.0.0.1");
        client.port = Integer.parseInt(port);
        client.key = env.get("COLONY_PRVKEY");
        client.tls = env.getOrDefault("COLONY_TLS", "false");
        client.fingerprint = env.get("COLONY_TLS_FINGERPRINT");
        return true;
    }

    private static <T> void show(PrintWriter out, boolean json, T value, java.util.function.BiConsumer<PrintWriter, T> human) {
        if (json) {
            Printer.json(out, value);
        } else {
            human.accept(out, value);
        }
    }
}
