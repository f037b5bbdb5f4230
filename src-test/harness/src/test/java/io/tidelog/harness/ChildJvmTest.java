package io.tidelog.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmTest {

    @TempDir
    Path dir;

    /** What the child JVM runs. */
    static final class PrintsArguments {
        public static void main(String[] args) {
            System.out.print("child saw " + String.join(",", args));
        }
    }

    @Test
    void runsAMainClassFromAClassPathWithSpacesAndQuotes() throws Exception {
        Path awkward = dir.resolve("test \"classes\" \\ here");
        String classFile = PrintsArguments.class.getName().replace('.', '/') + ".class";
        Files.createDirectories(awkward.resolve(classFile).getParent());
        Files.copy(testClasses().resolve(classFile), awkward.resolve(classFile));
        ChildJvm jvm = ChildJvm.onClassPath(List.of(dir.resolve("missing.jar").toString(), awkward.toString()));
        Path argumentFile = dir.resolve("classpath.args");
        jvm.writeArgumentFile(argumentFile);

        Process child = new ProcessBuilder(ChildJvm.command(argumentFile, List.of("-Xmx32m"),
                PrintsArguments.class.getName(), List.of("a", "b"))).redirectErrorStream(true).start();

        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("child saw a,b");
        assertThat(child.exitValue()).isZero();
    }

    @Test
    void canLoadOnlyWhatItsOwnClassPathHolds() throws IOException, URISyntaxException {
        ChildJvm withTestClasses = ChildJvm.onClassPath(List.of(testClasses().toString()));
        ChildJvm empty = ChildJvm.onClassPath(List.of());

        assertThat(withTestClasses.canLoad(PrintsArguments.class.getName())).isTrue();
        assertThat(withTestClasses.canLoad(ChildJvm.class.getName())).as("main classes are another entry").isFalse();
        assertThat(empty.canLoad(PrintsArguments.class.getName())).isFalse();
    }

    @Test
    void thisJvmsClassPathHoldsTheBroker() {
        assertThat(ChildJvm.onThisClassPath().canLoad(KafkaBroker.MAIN_CLASS)).isTrue();
        assertThat(ChildJvm.javaExecutable()).isExecutable();
    }

    private static Path testClasses() throws URISyntaxException {
        return Path.of(ChildJvmTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
