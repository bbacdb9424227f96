package dev.jgrad.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./jgrad bench [NAME...] [--json] [--threads N] [--reps N] [--warmup N]}: runs the named workloads
 * of {@link Workloads} (all when none is named) and prints one JSON line or one table row each. With
 * {@code --serve} it times one repetition per workload name read from standard input instead, for a driver
 * that alternates jgrad's repetitions with another library's (bench/paired_numpy.py).
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

    @Option(names = "--serve", description = "Set up and warm up the named workloads, print {\"ready\": [names]},"
            + " then for each workload name read from standard input time one repetition and print"
            + " {\"workload\", \"seconds\"}; exit at the end of the input.")
    boolean serve;

    @Option(names = "--list", description = "List the workloads with what each does, and exit.")
    boolean list;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    private PrintWriter out;
    private PrintWriter err;
    private BufferedReader in;

    public static void main(String[] args) {
        System.exit(run(new InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8),
                new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Parses {@code args}, runs the workloads and returns the exit code (0 ok, 1 a workload failed, 2 usage). */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(Reader.nullReader(), out, err, args);
    }

    /** As {@link #run(PrintWriter, PrintWriter, String...)}, with the standard input {@code --serve} reads. */
    static int run(Reader in, PrintWriter out, PrintWriter err, String... args) {
        BenchMain main = new BenchMain();
        main.in = new BufferedReader(in);
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
        if (serve) {
            return serve(selected);
        }
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
                m = measure(w, step, reps != null ? reps : w.reps());
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

    /**
     * {@code --serve}: warms every selected workload up as a run would, then times one repetition of each workload
     * named on a line of the input, until its end. An unknown name is reported on stderr and ends the serving
     * with status 2; a step that throws or returns a non-finite result, with status 1.
     */
    private int serve(List<Workload> selected) {
        Map<String, Step> steps = new LinkedHashMap<>();
        for (Workload w : selected) {
            Step step = w.setUp().get();
            measure(w, step, 1);
            steps.put(w.name(), step);
        }
        out.println("{\"ready\": [\"" + String.join("\", \"", steps.keySet()) + "\"]}");
        out.flush();
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String name = line.trim();
                Step step = steps.get(name);
                if (step == null) {
                    err.println("jgrad bench --serve: '" + name + "' is not one of the workloads served: "
                            + String.join(", ", steps.keySet()));
                    return 2;
                }
                Timing.Once once;
                try {
                    once = Timing.once(step);
                } catch (RuntimeException | OutOfMemoryError e) {
                    err.println("jgrad bench --serve: " + name + " failed: " + e);
                    return 1;
                }
                if (!Double.isFinite(once.result())) {
                    err.println("jgrad bench --serve: " + name + " produced a non-finite result (" + once.result()
                            + ")");
                    return 1;
                }
                out.println("{\"workload\": \"" + name + "\", \"seconds\": " + once.seconds() + "}");
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("jgrad bench --serve: reading the standard input failed", e);
        }
        return 0;
    }

    /**
     * Times {@code reps} repetitions of w's step after its warm-up: exactly --warmup N repetitions if given, else
     * the reference's count, continued for WARMUP_MIN_SECONDS at least.
     */
    private Timing.Measurement measure(Workload w, Step step, int reps) {
        return warmup != null ? Timing.measure(step, warmup, 0, reps)
                : Timing.measure(step, w.warmup(), WARMUP_MIN_SECONDS, reps);
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
        if (serve && (json || list || reps != null)) {
            return "--serve prints JSON lines of its own and times one repetition per request: it does not take"
                    + " --json, --list or --reps";
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
