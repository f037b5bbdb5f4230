package io.tidelog.harness;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Command lines that run a main class in a new JVM — the same {@code java} as this JVM's, on a class
 * path of this JVM's choosing (by default its own {@code java.class.path}).
 *
 * <p>The class path goes into a Java launcher argument file ({@code java @file}) rather than onto the
 * command line: a test class path easily exceeds what one command-line argument may hold. A class
 * path entry that is a manifest-only jar (Surefire's booter) works as is: the launcher follows its
 * {@code Class-Path}. Immutable.
 */
final class ChildJvm {

    private final List<String> classPath;

    private ChildJvm(List<String> classPath) {
        this.classPath = List.copyOf(classPath);
    }

    /** A child JVM on this JVM's own class path. */
    static ChildJvm onThisClassPath() {
        return onClassPath(Arrays.stream(System.getProperty("java.class.path", "").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .collect(Collectors.toList()));
    }

    static ChildJvm onClassPath(List<String> classPath) {
        return new ChildJvm(classPath);
    }

    List<String> classPath() {
        return classPath;
    }

    /** Whether {@code className} can be loaded from the class path (not merely from this JVM's loaders). */
    boolean canLoad(String className) {
        URL[] urls = new URL[classPath.size()];
        try {
            for (int i = 0; i < urls.length; i++) {
                urls[i] = Path.of(classPath.get(i)).toUri().toURL();
            }
        } catch (MalformedURLException | IllegalArgumentException e) {
            return false;
        }
        try (URLClassLoader loader = new URLClassLoader(urls, null)) {
            return loader.findResource(className.replace('.', '/') + ".class") != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes the class path as an argument file, for {@link #command}. */
    void writeArgumentFile(Path argumentFile) throws IOException {
        String joined = String.join(File.pathSeparator, classPath);
        Files.writeString(argumentFile, "-cp\n\"" + joined.replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n",
                StandardCharsets.UTF_8);
    }

    /** {@code java <jvmOptions> @argumentFile <mainClass> <arguments>}. */
    static List<String> command(Path argumentFile, List<String> jvmOptions, String mainClass, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable().toString());
        command.addAll(jvmOptions);
        command.add("@" + argumentFile);
        command.add(mainClass);
        command.addAll(arguments);
        return List.copyOf(command);
    }

    /** The {@code java} launcher of this JVM's installation. */
    static Path javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }
}
