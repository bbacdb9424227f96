package dev.jgrad.cpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Generates the float32 GEMM kernels from the float64 ones by renaming the precision, as EJML's GenerateCode32
 * does, so the variants cannot drift: GemmF64 gives GemmF32 and ScalarGemmF64 gives ScalarGemmF32. Run from the
 * repository root or core/:
 * {@code java core/src/test/java/dev/jgrad/cpu/GenerateGemmKernels.java}. GemmTest fails while a file is stale.
 */
public final class GenerateGemmKernels {
    private GenerateGemmKernels() {
    }

    /** Generated file name to (source file name, replacements applied in order). */
    static Map<String, Map.Entry<String, String[]>> targets() {
        String[] toF32 = {"double", "float", "Double", "Float", "F64", "F32", "float64", "float32"};
        Map<String, Map.Entry<String, String[]>> t = new LinkedHashMap<>();
        t.put("GemmF32.java", Map.entry("GemmF64.java", toF32));
        t.put("ScalarGemmF32.java", Map.entry("ScalarGemmF64.java", toF32));
        return t;
    }

    /** The generated text for one source text. */
    static String generate(String source, String generatedName, String[] replacements) {
        String s = source;
        for (int i = 0; i < replacements.length; i += 2) {
            s = s.replace(replacements[i], replacements[i + 1]);
        }
        // Only the float64 files are sources of anything: drop the sentence that says so.
        s = s.replaceAll("(?s)\n \\* This file is the source of the generated .*? after editing it\\.", "");
        String sourceName = targets().get(generatedName).getKey();
        return "// GENERATED from " + sourceName + " by GenerateGemmKernels (core/src/test): edit " + sourceName
                + " and regenerate.\n" + s;
    }

    static Path sourceDir() {
        Path fromCore = Path.of("src/main/java/dev/jgrad/cpu");
        return Files.isDirectory(fromCore) ? fromCore : Path.of("core").resolve(fromCore);
    }

    /** Generated file name to the text it should have now. */
    static Map<String, String> expected() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : targets().entrySet()) {
            String source = Files.readString(sourceDir().resolve(e.getValue().getKey()), StandardCharsets.UTF_8);
            out.put(e.getKey(), generate(source, e.getKey(), e.getValue().getValue()));
        }
        return out;
    }

    public static void main(String[] args) throws IOException {
        for (var e : expected().entrySet()) {
            Path file = sourceDir().resolve(e.getKey());
            Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
            System.out.println("wrote " + file);
        }
    }
}
