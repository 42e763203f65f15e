import io.micronaut.aot.MicronautAotOptimizer;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * A build step of the runner jar only (pom.xml, execution "runner-aot"): runs Micronaut AOT's optimizer on the
 * standalone service's classpath (this JVM's, target/classes first) with the options in src/aot/aot.properties, and
 * writes the generated classes to the given directory, which the runner assembly adds; the plugin's jar never sees
 * them. Hand-written because micronaut-aot-cli, the optimizer's own command line, is not in the Maven repository we
 * build from; this does what it does, in one class loader.
 *
 * <p>Every service implementation on the classpath is force-included: the optimizer would otherwise drop the beans
 * whose {@code @Requires} fail against the build's configuration (the webhook delivery without
 * {@code sentry-connect.webhook.url}, the stand-in, TLS, CORS…), although an operator switches them on at run time.
 * Included, they are still checked against the run-time configuration when the context starts, as without AOT; what
 * AOT saves is finding them. Only those that can be created are included (see {@link #loadable}).
 */
public final class OptimizeRunner {
    private OptimizeRunner() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: OptimizeRunner <aot.properties> <output directory> <package>");
        }
        Properties options = new Properties();
        try (Reader reader = new FileReader(args[0], StandardCharsets.UTF_8)) {
            options.load(reader);
        }
        List<String> classpath = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        Set<String> implementations = new TreeSet<>();
        for (String type : options.getProperty("service.types").split(",")) {
            for (String entry : classpath) {
                implementations.addAll(implementations(Path.of(entry), type.trim()));
            }
        }
        implementations.removeIf(name -> !loadable(name));
        options.put("serviceloading.force.include.impls", String.join(",", implementations));
        options.put("classpath", String.join(",", classpath));
        options.put("output.directory", new File(args[1]).getAbsolutePath());
        options.put("package", args[2]);
        options.put("runtime", "jit");
        MicronautAotOptimizer.execute(options);
        preloadInOneLoop(Path.of(args[1]), classpath);
    }

    private static final String PRELOAD = "pool.submit(() -> loadClass(cl, \"";

    /**
     * The generated service loaders preload their classes with one lambda per class (over a thousand), and each
     * lambda costs the JVM a class of its own at start: more than the scanning saved. Rewritten to one loop over
     * the same names (SERVICE_TYPES, which the generated code declares) and compiled again over the generated ones.
     */
    private static void preloadInOneLoop(Path output, List<String> classpath) throws IOException {
        List<File> rewritten = new ArrayList<>();
        try (Stream<Path> sources = Files.walk(output.resolve("sources"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(source);
                if (lines.stream().noneMatch(line -> line.contains("SERVICE_TYPES"))) {
                    continue;
                }
                List<String> code = new ArrayList<>();
                boolean inBlock = false;
                for (String line : lines) {
                    boolean preload = line.trim().startsWith(PRELOAD);
                    if (preload && !inBlock) {
                        String indent = line.substring(0, line.indexOf(PRELOAD));
                        code.add(indent + "for (String name : SERVICE_TYPES) {");
                        code.add(indent + "  pool.submit(() -> loadClass(cl, name));");
                        code.add(indent + "}");
                    } else if (!preload) {
                        code.add(line);
                    }
                    inBlock = preload;
                }
                if (code.size() < lines.size()) {
                    Files.write(source, code);
                    rewritten.add(source.toFile());
                }
            }
        }
        if (rewritten.isEmpty()) {
            return;
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            List<String> compilerOptions = List.of("--release", "17", "-nowarn", "-d", output.resolve("classes").toString(),
                    "-classpath", output.resolve("classes") + File.pathSeparator + String.join(File.pathSeparator, classpath));
            if (!javac.getTask(null, files, null, compilerOptions, null, files.getJavaFileObjectsFromFiles(rewritten)).call()) {
                throw new IllegalStateException("the rewritten AOT sources did not compile: " + rewritten);
            }
        }
    }

    /** The implementations of a service type one classpath entry declares, the ways Micronaut's loader reads them. */
    private static Set<String> implementations(Path entry, String type) throws IOException {
        Set<String> found = new TreeSet<>();
        String micronaut = "META-INF/micronaut/" + type + "/";
        String services = "META-INF/services/" + type;
        if (Files.isDirectory(entry)) {
            Path folder = entry.resolve(micronaut);
            if (Files.isDirectory(folder)) {
                try (Stream<Path> files = Files.list(folder)) {
                    files.forEach(file -> found.add(file.getFileName().toString()));
                }
            }
            Path file = entry.resolve(services);
            if (Files.isRegularFile(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    found.addAll(serviceLines(in));
                }
            }
        } else if (Files.isRegularFile(entry) && entry.toString().endsWith(".jar")) {
            try (JarFile jar = new JarFile(entry.toFile())) {
                for (JarEntry e : jar.stream().toList()) {
                    if (!e.isDirectory() && e.getName().startsWith(micronaut)) {
                        found.add(e.getName().substring(micronaut.length()));
                    } else if (e.getName().equals(services)) {
                        try (InputStream in = jar.getInputStream(e)) {
                            found.addAll(serviceLines(in));
                        }
                    }
                }
            }
        }
        return found;
    }

    /**
     * Whether an implementation can be created here, as the optimizer itself tries: one that cannot (a class it needs is
     * missing, such as the test-only listeners of micronaut-data) is left to the optimizer, which drops it, as the
     * run-time service loader would.
     */
    private static boolean loadable(String name) {
        try {
            Class.forName(name, false, OptimizeRunner.class.getClassLoader()).getDeclaredConstructor().newInstance();
            return true;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return false;
        }
    }

    private static Set<String> serviceLines(InputStream in) throws IOException {
        Set<String> lines = new TreeSet<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            reader.lines().map(line -> line.replaceAll("#.*", "").trim()).filter(line -> !line.isEmpty()).forEach(lines::add);
        }
        return lines;
    }
}
