package io.colony.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code colony node cds-archive}: makes the class-data-sharing archive that lets nodes (and client
 * commands) start about twice as fast; see {@link CdsArchive}.
 */
@Command(name = "cds-archive", description = {"Make a class-data-sharing archive for this colony.jar and this JDK.",
        "JVMs started with -XX:SharedArchiveFile=FILE start a node about twice as fast.",
        "It runs a node and a process for a few seconds in a child JVM",
        "(-XX:ArchiveClassesAtExit). Make it again when the jar or the JDK changes;",
        "a JVM ignores an archive that does not fit (-Xshare:auto). The ./colony",
        "launcher and docs/colony-node.service make and use one by themselves."})
final class NodeCdsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--out", paramLabel = "FILE", description = "Archive to write (default: colony.jsa next to the jar).")
    Path out;
    @Option(names = "--workload", hidden = true, description = "Run the archived workload in this JVM (the child's part).")
    boolean workload;

    @Override
    public Integer call() throws Exception {
        if (workload) {
            CdsArchive.workload();
            return 0;
        }
        if (out != null) {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null && !java.nio.file.Files.isDirectory(parent)) {
                throw new IllegalArgumentException("--out " + out + ": no such directory " + parent);
            }
            if (java.nio.file.Files.isDirectory(out)) {
                throw new IllegalArgumentException("--out " + out + " is a directory; give the archive's file name");
            }
        }
        Path jar = CdsArchive.runningJar();
        if (jar == null) {
            throw new IllegalStateException("node cds-archive works on colony.jar: run it as java -jar colony.jar node cds-archive");
        }
        Path file = out != null ? out : jar.resolveSibling(jar.getFileName().toString().replaceFirst("\\.jar$", "") + ".jsa");
        CdsArchive.Created c = CdsArchive.create(jar, file);
        PrintWriter o = spec.commandLine().getOut();
        o.printf("class-data archive %s (%.1f MB, made in %.1f s) for %s%n", c.file(), c.bytes() / 1e6, c.seconds(), jar);
        o.println("use it: java " + String.join(" ", CdsArchive.useFlags(c.file())) + " -jar " + jar + " ...");
        return 0;
    }
}
