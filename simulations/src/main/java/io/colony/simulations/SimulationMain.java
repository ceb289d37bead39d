package io.colony.simulations;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command-line runner of one simulation: prints the {@link SimReport}; exits 0 if every invariant
 * held, 1 on a violation, 2 on bad arguments.
 */
@Command(name = "colony-sim", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs a deterministic colony simulation on virtual time and checks its invariants.")
public final class SimulationMain implements Callable<Integer> {

    @Option(names = "--nodes", description = "colony nodes (default ${DEFAULT-VALUE})")
    int nodes = 50;
    @Option(names = "--executors", description = "nodes that run an executor (default: min(nodes, 20))")
    Integer executors;
    @Option(names = "--capacity", description = "processes per executor at once (default ${DEFAULT-VALUE})")
    int capacity = 2;
    @Option(names = "--processes", description = "processes submitted (default ${DEFAULT-VALUE})")
    int processes = 100;
    @Option(names = "--seed", description = "seed of every random choice (default ${DEFAULT-VALUE})")
    long seed = 1;
    @Option(names = "--duration", converter = DurationConverter.class,
            description = "fault window, e.g. 120s (default 120s); submissions happen in its first half")
    long durationMs = 120_000;
    @Option(names = "--quiet", converter = DurationConverter.class,
            description = "longest wait after the faults stop for completion and convergence (default 300s)")
    long quietMs = 300_000;
    @Option(names = "--latency", converter = DurationConverter.class, description = "mean link latency (default 20ms)")
    long latencyMs = 20;
    @Option(names = "--jitter", converter = DurationConverter.class, description = "per-message jitter (default 10ms)")
    long jitterMs = 10;
    @Option(names = "--loss", description = "message loss probability during the fault window (default 0)")
    double loss;
    @Option(names = "--partition", paramLabel = "AT,FOR,FRACTION",
            description = "cut FRACTION of the nodes off at AT for FOR, e.g. 30s,20s,0.3")
    String partition;
    @Option(names = "--crash-rate", description = "crashes per node per minute during the fault window (default 0)")
    double crashRate;
    @Option(names = "--restart-after", converter = DurationConverter.class,
            description = "mean downtime of a crashed node (default 5s)")
    long restartAfterMs = 5_000;
    @Option(names = "--skew-ms", description = "clock skew per node, uniform in [-skew, skew] ms (default 0)")
    long skewMs;
    @Option(names = "--slow", paramLabel = "FRACTION,FACTOR", description = "slow executors, e.g. 0.2,5")
    String slow;
    @Option(names = "--run-mean", converter = DurationConverter.class, description = "mean run time (default 2s)")
    long runMeanMs = 2_000;
    @Option(names = "--retries", description = "maxretries of each process (default ${DEFAULT-VALUE})")
    int retries = 10;
    @Option(names = "--lease", converter = DurationConverter.class, description = "executor lease (default 10s)")
    long leaseMs = 10_000;
    @Option(names = "--settle", converter = DurationConverter.class,
            description = "executor settle delay between claim and start (default 1s)")
    long settleMs = 1_000;
    @Option(names = "--sync", converter = DurationConverter.class, description = "mean anti-entropy period (default 1s)")
    long syncMs = 1_000;
    @Option(names = "--degree", description = "peers each node dials on joining (default ${DEFAULT-VALUE})")
    int degree = 6;
    @Option(names = "--progress", description = "print a progress line every 10 s of virtual time to stderr")
    boolean progress;
    @Option(names = "--forged", description = "forged records injected by a non-member (default ${DEFAULT-VALUE})")
    int forged = 4;
    @Option(names = "--cron-every", paramLabel = "SECONDS",
            description = "add a cron ticking every SECONDS (dividing a minute) until the faults stop (default: none)")
    int cronEverySec;
    @Option(names = "--bare-claims",
            description = "no claim spreading and no claim checks: executors rely on the settle delay alone")
    boolean bareClaims;

    /** Runs the command line; never returns (exits with the command's code). */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code. */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new SimulationMain());
        cl.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("colony-sim: " + e.getMessage());
            return 2;
        });
        cl.setExecutionExceptionHandler((e, c, p) -> {
            c.getErr().println("colony-sim: " + e.getMessage());
            return 2;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        SimConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            System.err.println("colony-sim: " + e.getMessage());
            return 2;
        }
        Simulation sim = new Simulation(config);
        if (bareClaims) {
            sim.withBareClaims();
        }
        if (cronEverySec > 0) {
            try {
                sim.withCron(cronEverySec);
            } catch (IllegalArgumentException e) {
                System.err.println("colony-sim: " + e.getMessage());
                return 2;
            }
        }
        if (progress) {
            sim.onProgress(line -> System.err.println("colony-sim: " + line));
        }
        SimReport report = sim.run();
        System.out.print(report.format());
        return report.ok() ? 0 : 1;
    }

    SimConfig config() {
        double[] part = partition == null ? new double[] {-1, 0, 0.3} : pair3(partition, "--partition");
        double[] slowness = slow == null ? new double[] {0, 1} : numbers(slow, 2, "--slow");
        int exec = executors != null ? executors : Math.min(nodes, 20);
        return new SimConfig(nodes, exec, capacity, processes, seed, durationMs, quietMs, latencyMs, jitterMs, loss,
                (long) part[0], (long) part[1], part[2], crashRate, restartAfterMs, skewMs, slowness[0], slowness[1],
                runMeanMs, retries, leaseMs, settleMs, syncMs, degree, forged);
    }

    private static double[] pair3(String text, String option) {
        String[] parts = text.split(",");
        if (parts.length != 3) {
            throw new IllegalArgumentException(option + " takes AT,FOR,FRACTION, e.g. 30s,20s,0.3");
        }
        return new double[] {DurationConverter.parse(parts[0]), DurationConverter.parse(parts[1]),
            number(parts[2], option)};
    }

    private static double[] numbers(String text, int n, String option) {
        String[] parts = text.split(",");
        if (parts.length != n) {
            throw new IllegalArgumentException(option + " takes " + n + " comma-separated numbers");
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = number(parts[i], option);
        }
        return out;
    }

    private static double number(String s, String option) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": not a number: " + s);
        }
    }

    /** Parses durations such as 250, 250ms, 30s, 2m (plain numbers are milliseconds). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return parse(value);
        }

        static long parse(String value) {
            String v = value.trim().toLowerCase(java.util.Locale.ROOT);
            long unit = 1;
            if (v.endsWith("ms")) {
                v = v.substring(0, v.length() - 2);
            } else if (v.endsWith("s")) {
                unit = 1_000;
                v = v.substring(0, v.length() - 1);
            } else if (v.endsWith("m")) {
                unit = 60_000;
                v = v.substring(0, v.length() - 1);
            }
            try {
                return Math.round(Double.parseDouble(v) * unit);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a duration: " + value + " (use e.g. 500ms, 30s, 2m)");
            }
        }
    }
}
