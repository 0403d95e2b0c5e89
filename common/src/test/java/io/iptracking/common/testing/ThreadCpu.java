package io.iptracking.common.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * This JVM's CPU time over one run, by kind of thread: the stream threads (reading, processing and
 * appending to their producers' batches, compression included), their producers' I/O threads, the
 * broker's and every other Java thread, and the JVM's own (garbage collection, JIT), as the process
 * total less the Java threads'; and how much of the machine stayed idle.
 */
public record ThreadCpu(Map<Long, Long> threadsAtStart, Map<Long, Long> allocatedAtStart, long processAtStart,
        Map<String, Long> jvmAtStart, long[] machineAtStart) {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    public static ThreadCpu start() {
        Map<Long, Long> nanos = new HashMap<>();
        Map<Long, Long> allocated = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            nanos.put(id, Math.max(0, THREADS.getThreadCpuTime(id)));
            allocated.put(id, Math.max(0, THREADS.getThreadAllocatedBytes(id)));
        }
        return new ThreadCpu(nanos, allocated, processNanos(), jvmThreadTicks(), machineTicks());
    }

    public String perRecord(long records) {
        long stream = 0;
        long producerIo = 0;
        long other = 0;
        long streamAllocated = 0;
        for (java.lang.management.ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long used = Math.max(0, THREADS.getThreadCpuTime(info.getThreadId())) - threadsAtStart.getOrDefault(info.getThreadId(), 0L);
            String name = info.getThreadName();
            if (name.contains("StreamThread") && name.startsWith("kafka-producer-network-thread")) {
                producerIo += used;
            } else if (name.contains("StreamThread")) {
                stream += used;
                streamAllocated += Math.max(0, THREADS.getThreadAllocatedBytes(info.getThreadId()))
                        - allocatedAtStart.getOrDefault(info.getThreadId(), 0L);
            } else {
                other += used;
            }
        }
        long vm = Math.max(0, processNanos() - processAtStart - stream - producerIo - other);
        Map<String, Long> jvm = jvmThreadTicks();
        String jvmParts = jvm.isEmpty() ? "" : " (" + String.join(", ", jvm.keySet().stream().sorted().map(kind -> String.format(
                "%s %.2f", kind, (jvm.get(kind) - jvmAtStart.getOrDefault(kind, 0L)) * 1e6 / CLOCK_TICKS / records)).toList()) + ")";
        long[] ticks = machineTicks();
        double idle = ticks[1] - machineAtStart[1];
        double all = ticks[0] - machineAtStart[0];
        return String.format("stream threads %.2f µs, their producers' I/O threads %.2f µs, broker and other threads"
                        + " %.2f µs, JVM %.2f µs%s; machine idle %.0f%%; stream threads allocated %,d bytes",
                stream / 1e3 / records,
                producerIo / 1e3 / records, other / 1e3 / records, vm / 1e3 / records, jvmParts, all == 0 ? 0 : 100 * idle / all,
                streamAllocated / records);
    }

    private static long processNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
    private static final double CLOCK_TICKS = 100;

    /**
     * CPU clock ticks of the JVM's own threads by kind (garbage collection, JIT compilers, the VM
     * thread), from /proc/self/task; empty where there is none.
     */
    private static Map<String, Long> jvmThreadTicks() {
        Map<String, Long> ticks = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    String kind = name.startsWith("GC Thread") || name.startsWith("G1 ") ? "GC"
                            : name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") ? "JIT"
                            : name.equals("VM Thread") ? "VM thread" : null;
                    if (kind != null) {
                        String stat = Files.readString(task.resolve("stat"));
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        // utime and stime: fields 14 and 15 of stat, 12 and 13 after the name.
                        ticks.merge(kind, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
                    }
                } catch (IOException | RuntimeException threadEnded) {
                    // A thread that ended between listing and reading: its time is gone either way.
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return ticks;
    }

    /** All and idle (idle + iowait) clock ticks of the machine, from /proc/stat; zeros where there is none. */
    private static long[] machineTicks() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long all = 0;
            for (int i = 1; i < cpu.length; i++) {
                all += Long.parseLong(cpu[i]);
            }
            return new long[] {all, Long.parseLong(cpu[4]) + Long.parseLong(cpu[5])};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }
}
