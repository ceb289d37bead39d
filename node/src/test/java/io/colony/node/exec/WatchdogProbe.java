package io.colony.node.exec;

import java.nio.file.Path;

/** A JVM that runs {@code sleep 300} under a watchdog, prints the sleep's pid and waits to be killed. */
public final class WatchdogProbe {

    private WatchdogProbe() {
    }

    public static void main(String[] args) throws Exception {
        ProcessWatchdog watchdog = ProcessWatchdog.start(Path.of(args[0]));
        CliRunner runner = new CliRunner(watchdog, ExecLimits.DEFAULT, null, ExecPolicy.allowAll());
        RunningProcess p = runner.start(ExecRequest.of("sleep", "300"), LogSink.NONE);
        System.out.println(p.pid());
        System.out.flush();
        Thread.sleep(600_000);
    }
}
