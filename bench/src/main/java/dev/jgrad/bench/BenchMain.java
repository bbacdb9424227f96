package dev.jgrad.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ./jgrad bench [NAME...] [--json] [--threads N] [--reps N] [--warmup N]}: runs the named workloads
 * of {@link Workloads} (all when none is named) and prints one JSON line or one table row each.
 */
@Command(name = "jgrad bench", sortOptions = false,
        description = "Runs the benchmark workloads (bench/WORKLOADS.md) and prints the median and minimum"
                + " wall-clock time per repetition, after untimed warm-up repetitions.")
public final class BenchMain implements Callable<Integer> {
    /** The system property that sets the CPU backend's thread-pool size. */
    public static final String THREADS_PROPERTY = "jgrad.threads";

    /** Default minimum warm-up time, so that the JIT has compiled a step before it is timed. */
    static final double WARMUP_MIN_SECONDS = 3.0;

    @Parameters(paramLabel = "NAME", arity = "0..*",
            description = "Workloads to run, in the order given (default: all, in the order of --list).")
    List<String> names = new ArrayList<>();

    @Option(names = "--json", description = "Print one JSON line per workload instead of a table.")
    boolean json;

    @Option(names = "--threads", paramLabel = "N",
            description = "Sets the system property jgrad.threads (the CPU backend's pool size); echoed in the"
                    + " output. Default: the property if set, else the number of processors.")
    Integer threads;

    @Option(names = "--reps", paramLabel = "N",
            description = "Timed repetitions per workload (default: the reference's count for each workload).")
    Integer reps;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Exactly N untimed warm-up repetitions (default: the reference's count, repeated"
                    + " until at least 3 s have passed, so the JIT has compiled the step).")
    Integer warmup;

    @Option(names = "--list", description = "List the workloads with what each does, and exit.")
    boolean list;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    private PrintWriter out;
    private PrintWriter err;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Parses {@code args}, runs the workloads and returns the exit code (0 ok, 1 a workload failed, 2 usage). */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        BenchMain main = new BenchMain();
        main.out = out;
        main.err = err;
        CommandLine cmd = new CommandLine(main).setOut(out).setErr(err);
        int code = cmd.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call() {
        String usageError = validate();
        if (usageError != null) {
            err.println("jgrad bench: " + usageError);
            return 2;
        }
        if (threads != null) {
            // Set before any jgrad class is used, so the CPU backend sizes its pool from it.
            System.setProperty(THREADS_PROPERTY, Integer.toString(threads));
        }
        int threadCount = effectiveThreads();
        if (list) {
            int width = Workloads.ALL.keySet().stream().mapToInt(String::length).max().orElse(0);
            for (Workload w : Workloads.ALL.values()) {
                out.printf(Locale.ROOT, "%-" + width + "s  %s%n", w.name(), w.description());
            }
            return 0;
        }
        List<Workload> selected = names.isEmpty() ? List.copyOf(Workloads.ALL.values())
                : names.stream().map(Workloads.ALL::get).toList();
        int width = Math.max("workload".length(), selected.stream().mapToInt(w -> w.name().length()).max().orElse(0));
        String rowFormat = "%-" + width + "s  %12s  %12s  %6s%n";
        if (!json) {
            out.printf(Locale.ROOT, rowFormat, "workload", "median ms", "min ms", "reps");
        }
        int failures = 0;
        for (Workload w : selected) {
            Timing.Measurement m;
            try {
                System.gc();   // start each workload without the previous one's garbage
                Step step = w.setUp().get();
                m = Timing.measure(step, warmup != null ? warmup : w.warmup(),
                        warmup != null ? 0 : WARMUP_MIN_SECONDS, reps != null ? reps : w.reps());
            } catch (RuntimeException | OutOfMemoryError e) {
                failures++;
                err.println("jgrad bench: " + w.name() + " failed: " + e);
                continue;
            }
            if (!Double.isFinite(m.result())) {
                failures++;
                err.println("jgrad bench: " + w.name() + " produced a non-finite result (" + m.result() + ")");
            }
            if (json) {
                out.println(jsonLine(w.name(), threadCount, m));
            } else {
                out.printf(Locale.ROOT, rowFormat, w.name(), milliseconds(m.medianS()), milliseconds(m.minS()), m.reps());
            }
            out.flush();
        }
        return failures == 0 ? 0 : 1;
    }

    /** The first problem with the arguments, or null. */
    private String validate() {
        List<String> unknown = names.stream().filter(n -> !Workloads.ALL.containsKey(n)).toList();
        if (!unknown.isEmpty()) {
            return "unknown workload" + (unknown.size() == 1 ? " '" : "s '") + String.join("', '", unknown)
                    + "'; valid names: " + String.join(", ", Workloads.ALL.keySet());
        }
        if (threads != null && threads < 1) {
            return "--threads must be at least 1, got " + threads;
        }
        if (reps != null && reps < 1) {
            return "--reps must be at least 1, got " + reps;
        }
        if (warmup != null && warmup < 0) {
            return "--warmup must be at least 0, got " + warmup;
        }
        return null;
    }

    /** The pool size in force: the jgrad.threads property if set, else the number of processors. */
    static int effectiveThreads() {
        String p = System.getProperty(THREADS_PROPERTY);
        if (p != null) {
            try {
                return Integer.parseInt(p.trim());
            } catch (NumberFormatException e) {
                // fall through: the backend reports a malformed property itself
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** One result in the schema of WORKLOADS.md (the same as anchors_torch.py's json.dumps). */
    static String jsonLine(String workload, int threads, Timing.Measurement m) {
        return "{\"workload\": \"" + workload + "\", \"impl\": \"jgrad\", \"device\": \"cpu\", \"threads\": " + threads
                + ", \"median_s\": " + m.medianS() + ", \"min_s\": " + m.minS() + "}";
    }

    /** Seconds as milliseconds with four significant digits, without an exponent. */
    static String milliseconds(double seconds) {
        return new BigDecimal(seconds * 1e3).round(new MathContext(4)).toPlainString();
    }
}
