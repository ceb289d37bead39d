package io.colony.cli;

import io.colony.protocol.Identity;
import io.colony.protocol.RequestSignature;
import io.colony.sdk.Keys;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code colony api ...}: helpers for calling the HTTP API with other tools. */
@Command(name = "api", description = "Helpers for calling a node's HTTP API with other tools (curl).",
        subcommands = ApiCommand.Sign.class)
final class ApiCommand {

    private ApiCommand() {
    }

    @Command(name = "sign", description = {"Print the four -H arguments that sign one request for curl, e.g.",
            "  curl $(colony api sign GET /api/v1/node) http://127.0.0.1:50080/api/v1/node",
            "The signature covers the method, PATH exactly as sent (with its query), the time, a fresh nonce",
            "and the body: make the request within 30 s, once."})
    static final class Sign implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "METHOD", description = "GET or POST.")
        String method;
        @Parameters(index = "1", paramLabel = "PATH", description = "Path and query as sent, e.g. /api/v1/processes?limit=10"
                + " (a full URL is also taken).")
        String path;
        @Option(names = "--body", paramLabel = "FILE", description = "The request body (- for stdin); default: none.")
        String body;
        @Option(names = "--key", paramLabel = "KEY", defaultValue = "${env:COLONY_PRVKEY}",
                description = "Private key: 64 hex characters or a key file (env COLONY_PRVKEY).")
        String key;

        @Override
        public Integer call() throws IOException {
            Identity id = Keys.load(key);
            String p = path.strip();
            if (p.startsWith("http://") || p.startsWith("https://")) {
                URI u = URI.create(p);
                p = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
                        + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
            }
            if (!p.startsWith("/")) {
                throw new IllegalArgumentException("PATH must start with / (e.g. /api/v1/node), not '" + path + "'");
            }
            byte[] bytes = null;
            if (body != null) {
                bytes = body.equals("-") ? System.in.readAllBytes() : readFile(Path.of(body));
            }
            Map<String, String> h = RequestSignature.headers(id, method.toUpperCase(Locale.ROOT), p, bytes);
            StringBuilder out = new StringBuilder();
            h.forEach((k, v) -> out.append(out.length() == 0 ? "" : " ").append("-H ").append(k).append(':').append(v));
            spec.commandLine().getOut().println(out);
            return 0;
        }

        private static byte[] readFile(Path f) {
            try {
                return Files.readAllBytes(f);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --body " + f + ": " + e.getMessage());
            }
        }
    }
}
