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

    /** Consecutive lines, e.g. a 2-d array printed over several lines. */
    private static void assertLines(Run r, String... expected) {
        String block = String.join("\n", expected);
        assertTrue(String.join("\n", r.lines()).contains(block), () -> "no lines\n" + block + "\nin:\n" + r.stdout());
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

    // ------------------------------------------------------------------ seed 002

    private static final String SEED002 = "Seed002AutodiffInPractice.java";

    @Test
    void seed002GradientOfF1AndFiniteDifferences() {
        Run r = runOk(SEED002);
        assertLine(r, "grad_f([1., 2.]) = [3.         1.41614684]"); // NumPy's print of the seed's array
        assertLine(r, "FD:[3.25      4.9899925], AD:[3.25      4.9899925]");
    }

    @Test
    void seed002IntegerInputIsAClearError() {
        Run r = runOk(SEED002);
        assertFind(r, "^integer input: grad: input 0 has dtype int64 \\(shape \\[2\\]\\); only floating point inputs"
                + " can be differentiated \\(convert it with to\\(DType\\.FLOAT32\\) or to\\(DType\\.FLOAT64\\)\\)$");
        assertLine(r, "integer input converted with to(DType.FLOAT64): [3.25      4.9899925]");
        assertFalse(r.stdout().contains("no error?"), r.stdout());
    }

    @Test
    void seed002ArrayAssignmentIsDifferentiable() {
        Run r = runOk(SEED002);
        assertLine(r, "f2(x): 16.00");
        assertLine(r, "gradf2(x) = [4. 6.]"); // column sums of A = [[1, 2], [3, 4]]
        assertLine(r, "f2(x): 16.00, x.grad = [4. 6.]"); // the eager backward path
    }

    @Test
    void seed002ListVersionAndValueAndGrad() {
        Run r = runOk(SEED002);
        assertLine(r, "f3 FD and AD agree: true");
        Matcher fdAd = assertFind(r, "^FD:\\[\\s*(\\S+)\\s+(\\S+)\\], AD:\\[\\s*(\\S+)\\s+(\\S+)\\]$");
        assertTrue(fdAd.find(), "a second FD/AD line (f3's)");
        for (int i = 1; i <= 2; i++) {
            assertEquals(Double.parseDouble(fdAd.group(i)), Double.parseDouble(fdAd.group(i + 2)), 1e-6, fdAd.group());
        }
        Matcher fx = assertFind(r, "^f\\(x\\): (\\S+)$");
        Matcher vg = assertFind(r, "^f: (\\S+) , gradf: \\[\\s*(\\S+)\\s+(\\S+)\\]$");
        assertEquals(String.format("%.2f", Double.parseDouble(vg.group(1))), fx.group(1));
        assertEquals(Double.parseDouble(fdAd.group(3)), Double.parseDouble(vg.group(2)), 0.0, "valueAndGrad's gradient");
        assertEquals(Double.parseDouble(fdAd.group(4)), Double.parseDouble(vg.group(3)), 0.0, "valueAndGrad's gradient");
    }

    @Test
    void seed002ComplicatedExampleThreeWays() {
        Run r = runOk(SEED002);
        assertLine(r, "[[15.52441295]]");
        assertLine(r, "val: [[15.52441295]]");
        // three grads, one pass with argnums {0, 1, 2}, one pass on the packed vector
        for (String prefix : new String[] {"", "one pass: ", "unpacked: "}) {
            assertLines(r, prefix + "gA: [[1. 2.]", " [2. 4.]]");
            assertLines(r, prefix + "gx: [[10.84147098]", " [ 8.84147098]]");
            assertLines(r, prefix + "gy: [[0.54030231]", " [1.08060461]]");
        }
        assertLine(r, "pack([A, x, y]) = [1. 2. 2. 1. 1. 2. 1. 1.]");
        assertLine(r, "packed gradient: [ 1.          2.          2.          4.         10.84147098  8.84147098"
                + "  0.54030231  1.08060461]");
        // the PyTorch version: one backward fills every leaf's grad
        assertLines(r, "A :", " [[1. 2.]", " [2. 4.]]");
        assertLines(r, "x :", " [[10.84147098]", " [ 8.84147098]]");
        assertLines(r, "y :", " [[0.54030231]", " [1.08060461]]");
    }

    @Test
    void seed002Hessians() {
        Run r = runOk(SEED002);
        assertLines(r, "hessian(x0^2 + x0*x1) at [1, 2] =", "[[2. 1.]", " [1. 0.]]");
        assertLines(r, "Hessian via createGraph:", "tensor([[2., 1.],", "        [1., 0.]])", "[[2. 1.]", " [1. 0.]]");
    }

    @Test
    void seed002HessianVectorProductAtFiftyThousand() {
        Run r = runOk(SEED002);
        Matcher m = assertFind(r, "^hvp max abs error vs -sin\\(x\\)\\*colsum\\(A\\)\\*r: (\\S+)$");
        double error = Double.parseDouble(m.group(1));
        assertTrue(error < 1e-9, m.group()); // the values are about 1; float64 rounding gives ~1e-15
        assertFind(r, "^HVP\\.\\.\\. [0-9.]+ ms \\(median of 15\\)$"); // a timing: printed, never asserted
    }

    @Test
    void seed002PyTorchSection() {
        Run r = runOk(SEED002);
        assertLines(r, "tensor([[1., 2., 3.],", "        [2., 4., 6.],", "        [3., 6., 9.]])");
        assertLines(r, "autograd.grad(y, x) = tensor([[2.],", "        [4.],", "        [6.]], dtype=float64)");
        assertLine(r, "tensor([[17.]], gradFn=<MatmulBackward>)");
        assertLines(r, "x.grad after one backward: [[4.]", " [4.]", " [6.]]");
        assertLines(r, "x.grad after two backwards (accumulated): [[ 8.]", " [ 8.]", " [12.]]");
    }

    @Test
    void seed002Exercises() {
        Run r = runOk(SEED002);
        // 1: the assignment loop, the list and the vectorised form agree (their timings are printed only)
        assertLine(r, "f2a, f2b, vectorised agree: true");
        assertFind(r, "^f2a \\(assignment\\): [0-9.]+ ms, f2b \\(list\\): [0-9.]+ ms, vectorised A @ x: [0-9.]+ ms");
        // 2: the Jacobian of (x1, x1*x2) at (3, 5) is [[1, 0], [x2, x1]]
        for (String how : new String[] {"explicit Jacobian:", "jacfwd:", "jacrev:", "jacobian:"}) {
            assertLines(r, how, "[[1. 0.]", " [5. 3.]]");
        }
        // 4: einsum against sum and matmul
        assertLine(r, "einsum row sums == sum(1): true");
        assertLine(r, "einsum column sums == sum(0): true");
        assertLine(r, "einsum matrix product == matmul: true");
    }

    @Test
    void seed002Probit() {
        Run r = runOk(SEED002);
        Matcher m = assertFind(r, "^probit\\(\\[0\\.025, 0\\.5, 0\\.975, 0\\.999, 1e-10\\]\\) = \\[(.*)\\]$");
        double[] values = Pattern.compile(", ").splitAsStream(m.group(1)).mapToDouble(Double::parseDouble).toArray();
        // Python's statistics.NormalDist().inv_cdf
        double[] expected = {-1.959963984540054, 0.0, 1.959963984540054, 3.090232306167813, -6.361340902404056};
        assertEquals(expected.length, values.length, m.group());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], values[i], 1e-15 * Math.max(1, Math.abs(expected[i])), m.group());
        }
        Matcher fd = assertFind(r, "^probit gradient vs FD: max relative difference (\\S+)$");
        assertTrue(Double.parseDouble(fd.group(1)) < 1e-6, fd.group());
        assertLine(r, "probit GradCheck (orders 1 and 2, forward and reverse): gradient check passed");
        Matcher second = assertFind(r, "^probit'\\(0\\.975\\) = (\\S+), probit''\\(0\\.975\\) = (\\S+) "
                + "\\(= probit \\* probit'\\^2 = (\\S+)\\)$");
        double first = Math.sqrt(2 * Math.PI) * Math.exp(expected[2] * expected[2] / 2); // 1 / φ(Φ⁻¹(0.975))
        assertEquals(first, Double.parseDouble(second.group(1)), 1e-12 * first);
        assertEquals(Double.parseDouble(second.group(3)), Double.parseDouble(second.group(2)), 1e-12 * 600);
    }

    @Test
    void seed002Extras() {
        Run r = runOk(SEED002);
        assertLine(r, "after y = y**2 inside f: [5]");
        assertLine(r, "x @ y: matmul: shapes [2, 1] and [2, 1] cannot be multiplied (1 != 2)");
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
