package dev.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the seed walkthroughs (examples/walkthroughs/*.java) with the JDK source launcher, as
 * {@code ./jgrad run} does, and checks that they print the seeds' numbers.
 */
class WalkthroughTest {
    /** The JVM flags the launcher passes (JGRAD_JVM_FLAGS in the {@code jgrad} script), so the two cannot drift. */
    private static List<String> jvmFlags() {
        Pattern line = Pattern.compile("^JGRAD_JVM_FLAGS=\"([^\"]*)\"$", Pattern.MULTILINE);
        try {
            Matcher m = line.matcher(Files.readString(root().resolve("jgrad"), StandardCharsets.UTF_8));
            assertTrue(m.find(), "no JGRAD_JVM_FLAGS=\"...\" line in the jgrad launcher");
            return List.of(m.group(1).trim().split("\\s+"));
        } catch (IOException e) {
            throw new AssertionError("could not read the jgrad launcher", e);
        }
    }

    private static final long TIMEOUT_SECONDS = 60;

    private record Run(int exitCode, String stdout, String stderr) {
        List<String> lines() {
            return stdout.lines().toList();
        }
    }

    /** Each walkthrough runs once per test JVM; the tests share its output. */
    private static final Map<Path, Run> RUNS = new ConcurrentHashMap<>();

    private static Path root() {
        String root = System.getProperty("jgrad.root");
        assertTrue(root != null && !root.isBlank(), "system property jgrad.root (the repository root) is not set");
        return Path.of(root).toAbsolutePath().normalize();
    }

    private static Path walkthroughs() {
        return root().resolve("examples").resolve("walkthroughs");
    }

    private static Run run(Path file) {
        return RUNS.computeIfAbsent(file.toAbsolutePath().normalize(), WalkthroughTest::launch);
    }

    private static Run launch(Path file) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmFlags());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(file.toString());
        try {
            Path out = Files.createTempFile("walkthrough", ".out");
            Path err = Files.createTempFile("walkthrough", ".err");
            try {
                Process p = new ProcessBuilder(command).directory(root().toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                    fail(file.getFileName() + " did not finish in " + TIMEOUT_SECONDS + " s; output so far:\n"
                            + Files.readString(out, StandardCharsets.UTF_8));
                }
                return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("could not run " + file, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + file, e);
        }
    }

    private static Run runOk(String name) {
        Run r = run(walkthroughs().resolve(name));
        assertEquals(0, r.exitCode(), () -> name + " exited with " + r.exitCode() + "\nstdout:\n" + r.stdout()
                + "\nstderr:\n" + r.stderr());
        return r;
    }

    private static void assertLine(Run r, String expected) {
        assertTrue(r.lines().contains(expected), () -> "no line \"" + expected + "\" in:\n" + r.stdout());
    }

    private static Matcher assertFind(Run r, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(r.stdout());
        assertTrue(m.find(), () -> "no match for /" + regex + "/ in:\n" + r.stdout());
        return m;
    }

    // ------------------------------------------------------------------ every walkthrough

    @TestFactory
    Stream<DynamicTest> everyWalkthroughRunsCleanly() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(walkthroughs())) {
            files = s.filter(f -> f.getFileName().toString().endsWith(".java")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no walkthroughs in " + walkthroughs());
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            assertTrue(Files.readAllLines(f).getFirst().startsWith("// Title: "),
                    f.getFileName() + ": the first line must be \"// Title: ...\" (shown by ./jgrad demo)");
            Run r = run(f);
            assertEquals(0, r.exitCode(), () -> f.getFileName() + " exited with " + r.exitCode()
                    + "\nstdout:\n" + r.stdout() + "\nstderr:\n" + r.stderr());
            assertFalse(r.stdout().isBlank(), f.getFileName() + " printed nothing");
        }));
    }

    // ------------------------------------------------------------------ seed 003

    @Test
    void seed003FirstDerivativesMatchTheSeed() {
        Run r = runOk("Seed003ReverseMode.java");
        assertLine(r, "z = 2.579425538604203");
        assertLine(r, "dz/dx = 5.077582561890373");
        assertLine(r, "dz/dy = 0.5");
        assertLine(r, "dzdx = 1.5"); // the while loop: d(x^4 + x^2)/dx at 0.5
    }

    @Test
    void seed003InPlaceErrors() {
        Run r = runOk("Seed003ReverseMode.java");
        assertFind(r, "^in-place on tanh's output: one of the variables needed for gradient computation by "
                + "TanhBackward has been modified by an in-place operation: \\[float32 \\[\\]\\].*"
                + "is at version 1; expected version 0 instead");
        assertFind(r, "^in-place on a view of a leaf: .*a view of a leaf tensor that requires grad is being used"
                + " in an in-place operation");
        assertFalse(r.stdout().contains("no error?"), r.stdout());
    }

    @Test
    void seed003MultipleOutputs() {
        Run r = runOk("Seed003ReverseMode.java");
        assertLine(r, "x.grad = [[2.5403023], [3.1585290]]"); // 2 + cos 1, 4 - sin 1 in float32
    }

    @Test
    void seed003GradientDescent() {
        Run r = runOk("Seed003ReverseMode.java");
        List<Double> values = new ArrayList<>();
        // one printed tuple per 10 iterations; the tensor may span lines, the value ends the tuple
        Matcher v = Pattern.compile("\\), ([-0-9.Ee]+)\\)$", Pattern.MULTILINE).matcher(r.stdout());
        while (v.find()) {
            values.add(Double.parseDouble(v.group(1)));
        }
        assertEquals(10, values.size(), r.stdout());
        // float32 like PyTorch: x <- x - 0.1 * 2x, f = x0^2 + x1^2 + x2^2 (reference: NumPy float32)
        double[] expected = {67.19999694824219, 0.7747630476951599, 0.008932411670684814, 1.0298370034433901e-4,
            1.1873213452417986e-6, 1.3688886468798955e-8, 1.5782215811999123e-10, 1.8195657654207498e-12,
            2.0978168543115717e-14, 2.418617877589929e-16};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], values.get(i), Math.abs(expected[i]) * 1e-6, "iteration " + 10 * i);
        }
    }

    @Test
    void seed003Reparameterisation() {
        Run r = runOk("Seed003ReverseMode.java");
        Matcher m = Pattern.compile("^z: (\\S+)\tdzdmu: (\\S+)\tdzdsigma: (\\S+)$", Pattern.MULTILINE)
                .matcher(r.stdout());
        List<Double> samples = new ArrayList<>();
        while (m.find()) {
            double z = Double.parseDouble(m.group(1));
            assertEquals(1.0, Double.parseDouble(m.group(2)), 0.0, m.group());
            double dzdsigma = Double.parseDouble(m.group(3));
            assertEquals(z - 1, dzdsigma, 1e-6, m.group()); // z = mu + sigma * sample, mu = sigma = 1
            samples.add(dzdsigma);
        }
        assertEquals(10, samples.size(), r.stdout());
        assertTrue(samples.stream().distinct().count() > 1, "the samples should differ: " + samples);
    }

    // ------------------------------------------------------------------ seed 004

    @Test
    void seed004ClosedForm() {
        Run r = runOk("Seed004AutogradFromScratch.java");
        assertLine(r, "Closed form: gradient for x_p -0.28245211967555384, gradient for y_p -0.5339538940488842");
        assertLine(r, "Closed_form: loss = 0.5031831004924388");
    }

    @Test
    void seed004TorchCell() {
        Run r = runOk("Seed004AutogradFromScratch.java");
        assertLine(r, "torch_loss: 0.39435747265815735");
        assertLine(r, "torch_loss: 0.39335745573043823");
        // printed like PyTorch, tensor([ 0.2053, -0.9787]): check the values to the 4 decimals shown
        Matcher m = Pattern.compile("^torch grad: tensor\\(\\[\\s*(\\S+),\\s*(\\S+)\\]\\)$", Pattern.MULTILINE)
                .matcher(r.stdout());
        int grads = 0;
        while (m.find()) {
            grads++;
            assertEquals(0.2053, Double.parseDouble(m.group(1)), 5e-5, m.group());
            assertEquals(-0.9787, Double.parseDouble(m.group(2)), 5e-5, m.group());
        }
        assertEquals(2, grads, "two \"torch grad: tensor([ 0.2053, -0.9787])\" lines expected in:\n" + r.stdout());
    }

    @Test
    void seed004OnePointGraph() {
        Run r = runOk("Seed004AutogradFromScratch.java");
        // the seed's comp_node graph of one point: gradients of M, I_x, I_y, x_p, y_p
        assertFind(r, "^1 op: .* \\| val:  0\\.1761 \\| grad: 1\\.1914656577245382$");
        assertFind(r, "^4 op: .* \\| val: -0\\.3309 \\| grad: -0\\.7884289557292833$");
        assertFind(r, "^5 op: .* \\| val:  0\\.2581 \\| grad: 0\\.6151258259637875$");
        assertFind(r, "^6 op: leaf \\| val:  0\\.3000 \\| grad: -0\\.7884289557292833$");
        assertFind(r, "^7 op: leaf \\| val:  0\\.3000 \\| grad: 0\\.6151258259637875$");
    }

    @Test
    void seed004ScalarGraphOnHundredPoints() {
        Run r = runOk("Seed004AutogradFromScratch.java");
        long printed = r.lines().stream().filter("-0.4495361695632005 -0.30993795041828925"::equals).count();
        assertEquals(2, printed, r.stdout());
        Matcher m = assertFind(r, "^closed form on the same points: (\\S+) (\\S+)$");
        assertEquals(-0.4495361695632005, Double.parseDouble(m.group(1)), 1e-12);
        assertEquals(-0.30993795041828925, Double.parseDouble(m.group(2)), 1e-12);
    }
}
