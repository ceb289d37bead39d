package io.colony.node.ledger;

import io.colony.protocol.SpecCodec;

/**
 * Resources an executor offers, compared with a process's {@code conditions} ({@code cpu}, {@code memory},
 * {@code gpu}). A Claim carries them; the ledger ignores a claim whose executor offers less than the
 * process requires.
 *
 * @param cpuMillis CPU in thousandths of a core (4 cores = 4000)
 * @param memoryMb  memory in MiB
 * @param gpus      number of GPUs
 */
public record Resources(int cpuMillis, long memoryMb, int gpus) {

    /** No resources: only processes without requirements fit. */
    public static final Resources NONE = new Resources(0, 0, 0);

    /** Rejects negative amounts. */
    public Resources {
        if (cpuMillis < 0 || memoryMb < 0 || gpus < 0) {
            throw new IllegalArgumentException("resources must not be negative");
        }
    }

    /**
     * Parses ColonyOS-style amounts, e.g. {@code ("4", "8Gi", "0")} or {@code ("500m", "512Mi", null)};
     * null or empty means none.
     *
     * @throws io.colony.protocol.InvalidSpecException with one readable line if an amount is malformed
     */
    public static Resources parse(String cpu, String memory, String gpu) {
        return new Resources(SpecCodec.cpuMillis(cpu, "cpu"), SpecCodec.memoryMb(memory, "memory"),
                SpecCodec.gpus(gpu, "gpu"));
    }

    /** What this machine has: its cores, its physical memory (if the JVM can tell) and no GPU. */
    public static Resources ofThisMachine() {
        long memMb = 0;
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            memMb = os.getTotalMemorySize() / (1024 * 1024);
        }
        return new Resources(Runtime.getRuntime().availableProcessors() * 1000, memMb, 0);
    }

    /** True if these resources cover what {@code p} requires. */
    boolean fits(Proc p) {
        return p.cpuMillis <= cpuMillis && p.memoryMb <= memoryMb && p.gpus <= gpus;
    }

    @Override
    public String toString() {
        return "cpu " + cpuMillis + "m, memory " + memoryMb + " MiB, gpu " + gpus;
    }
}
