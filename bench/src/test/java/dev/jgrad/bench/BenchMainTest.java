package dev.jgrad.bench;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchMainTest {
    private static final String NUMBER = "(-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?)";
    /** The schema of WORKLOADS.md, exactly: key order, spacing, and types. */
    private static final Pattern JSON_LINE = Pattern.compile("\\{\"workload\": \"([a-z0-9_]+)\", \"impl\": \"jgrad\","
            + " \"device\": \"cpu\", \"threads\": (\\d+), \"median_s\": " + NUMBER + ", \"min_s\": " + NUMBER + "}");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final String threadsBefore = System.getProperty(BenchMain.THREADS_PROPERTY);

    @AfterEach
    void restoreThreadsProperty() {
        if (threadsBefore == null) {
            System.clearProperty(BenchMain.THREADS_PROPERTY);
        } else {
            System.setProperty(BenchMain.THREADS_PROPERTY, threadsBefore);
        }
    }

    private int run(String... args) {
        return BenchMain.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private List<String> outLines() {
        return out.toString().lines().toList();
    }

    @Test
    void jsonPrintsOneSchemaLinePerWorkloadInTheOrderGiven() {
        assertEquals(0, run("--json", "--reps", "3", "--warmup", "1", "--threads", "3",
                "listcomp_grad_100", "scalar_graph"), err.toString());
        List<String> lines = outLines();
        assertEquals(2, lines.size(), out.toString());
        String[] expected = {"listcomp_grad_100", "scalar_graph"};
        for (int i = 0; i < 2; i++) {
            Matcher m = JSON_LINE.matcher(lines.get(i));
            assertTrue(m.matches(), "not in the schema: " + lines.get(i));
            assertEquals(expected[i], m.group(1));
            assertEquals("3", m.group(2));
            double median = Double.parseDouble(m.group(3));
            double min = Double.parseDouble(m.group(4));
            assertTrue(min > 0 && min <= median, lines.get(i));
        }
        assertEquals("3", System.getProperty(BenchMain.THREADS_PROPERTY));
    }

    @Test
    void jsonLineHasTheSchemaForAnyNumbers() {
        for (double s : new double[] {2.1e-7, 0.00021, 1.5, 1234.0}) {
            String line = BenchMain.jsonLine("sin_fit_50x50", 2, new Timing.Measurement(s, s / 2, 5, 1.0));
            Matcher m = JSON_LINE.matcher(line);
            assertTrue(m.matches(), line);
            assertEquals(s, Double.parseDouble(m.group(3)));
        }
    }

    @Test
    void threadsDefaultsToTheProcessorCount() {
        System.clearProperty(BenchMain.THREADS_PROPERTY);
        assertEquals(0, run("--json", "--reps", "1", "--warmup", "0", "scalar_graph"), err.toString());
        Matcher m = JSON_LINE.matcher(outLines().get(0));
        assertTrue(m.matches(), out.toString());
        assertEquals(Runtime.getRuntime().availableProcessors(), Integer.parseInt(m.group(2)));
    }

    @Test
    void tablePrintsAHeaderAndAlignedRows() {
        assertEquals(0, run("--reps", "2", "--warmup", "0", "scalar_graph", "listcomp_grad_100"), err.toString());
        List<String> lines = outLines();
        assertEquals(3, lines.size(), out.toString());
        assertTrue(lines.get(0).matches("workload +median ms +min ms +reps"), lines.get(0));
        assertTrue(lines.get(1).matches("scalar_graph +[0-9.]+ +[0-9.]+ +2"), lines.get(1));
        assertTrue(lines.get(2).matches("listcomp_grad_100 +[0-9.]+ +[0-9.]+ +2"), lines.get(2));
        assertEquals(lines.get(0).length(), lines.get(1).length());
        assertEquals(lines.get(0).length(), lines.get(2).length());
    }

    @Test
    void unknownNamesAreRejectedWithTheValidNames() {
        assertEquals(2, run("--json", "scalar_graph", "no_such_workload"));
        assertEquals("", out.toString());
        String message = err.toString();
        assertTrue(message.startsWith("jgrad bench: unknown workload 'no_such_workload'; valid names: scalar_graph, "
                + "scalar_points_100, sin_fit_50x50, hvp_d50000, listcomp_grad_100, matmul_f32_500,"), message);
        assertTrue(message.contains("elementwise_16M_fwd_bwd"), message);
    }

    @Test
    void badOptionValuesAreUsageErrors() {
        assertEquals(2, run("--reps", "0", "scalar_graph"));
        assertTrue(err.toString().contains("--reps must be at least 1, got 0"), err.toString());
        assertEquals(2, run("--threads", "0", "scalar_graph"));
        assertTrue(err.toString().contains("--threads must be at least 1, got 0"), err.toString());
        assertEquals(2, run("--reps", "many"));
        assertTrue(err.toString().contains("Invalid value for option '--reps': 'many' is not an int"), err.toString());
        assertEquals(2, run("--fast"));
        assertTrue(err.toString().contains("Unknown option: '--fast'"), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void listNamesEveryWorkload() {
        assertEquals(0, run("--list"));
        List<String> lines = outLines();
        assertEquals(Workloads.ALL.size(), lines.size());
        assertTrue(lines.get(0).startsWith("scalar_graph "), lines.get(0));
    }

    private int serve(String input, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "--serve";
        System.arraycopy(args, 0, all, 1, args.length);
        return BenchMain.run(new StringReader(input), new PrintWriter(out, true), new PrintWriter(err, true), all);
    }

    @Test
    void serveTimesOneRepetitionPerNameReadUntilTheEndOfTheInput() {
        assertEquals(0, serve("scalar_graph\nlistcomp_grad_100\n  scalar_graph  \n", "--warmup", "1",
                "scalar_graph", "listcomp_grad_100"), err.toString());
        List<String> lines = outLines();
        assertEquals("{\"ready\": [\"scalar_graph\", \"listcomp_grad_100\"]}", lines.get(0));
        assertEquals(4, lines.size(), out.toString());
        Pattern timed = Pattern.compile("\\{\"workload\": \"([a-z0-9_]+)\", \"seconds\": " + NUMBER + "}");
        String[] expected = {"scalar_graph", "listcomp_grad_100", "scalar_graph"};
        for (int i = 0; i < 3; i++) {
            Matcher m = timed.matcher(lines.get(i + 1));
            assertTrue(m.matches(), "not a timing line: " + lines.get(i + 1));
            assertEquals(expected[i], m.group(1));
            assertTrue(Double.parseDouble(m.group(2)) > 0, lines.get(i + 1));
        }
    }

    @Test
    void serveStopsAtANameItDoesNotServe() {
        assertEquals(2, serve("scalar_graph\nmatmul_f32_500\nscalar_graph\n", "--warmup", "0", "scalar_graph"));
        assertEquals(2, outLines().size(), out.toString());   // ready, then the one timing before the bad name
        assertTrue(err.toString().contains("'matmul_f32_500' is not one of the workloads served: scalar_graph"),
                err.toString());
    }

    @Test
    void serveRejectsTheOptionsOfARun() {
        assertEquals(2, serve("", "--json", "scalar_graph"));
        assertTrue(err.toString().contains("--serve prints JSON lines of its own"), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void millisecondsKeepsFourSignificantDigits() {
        assertEquals("0.0008512", BenchMain.milliseconds(8.5123e-7));
        assertEquals("12.35", BenchMain.milliseconds(0.0123456));
        assertEquals("1235", BenchMain.milliseconds(1.23456));
    }

    @Test
    void medianAveragesTheMiddlePairLikePython() {
        assertEquals(2.0, Timing.median(new double[] {3, 1, 2}));
        assertEquals(2.5, Timing.median(new double[] {4, 1, 3, 2}));
    }
}
