package io.tidelog.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArchivesTest {

    @TempDir
    Path target;

    @Test
    void keepsModesSymbolicAndHardLinks() throws IOException {
        byte[] txz = tarXz(tar -> {
            directory(tar, "bin/", 0755);
            file(tar, "bin/server", 0755, "#!/bin/sh\n");
            file(tar, "lib/libx.so.1.2", 0644, "elf");
            link(tar, "lib/libx.so", "libx.so.1.2", TarConstants.LF_SYMLINK);
            link(tar, "bin/server-again", "bin/server", TarConstants.LF_LINK);
        });

        Archives.extractTarXz(new ByteArrayInputStream(txz), target);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("bin/server")))).isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("lib/libx.so.1.2")))).isEqualTo("rw-r--r--");
        assertThat(Files.isSymbolicLink(target.resolve("lib/libx.so"))).isTrue();
        assertThat(Files.readSymbolicLink(target.resolve("lib/libx.so"))).isEqualTo(Path.of("libx.so.1.2"));
        assertThat(target.resolve("lib/libx.so")).hasContent("elf");
        assertThat(Files.isSameFile(target.resolve("bin/server-again"), target.resolve("bin/server"))).isTrue();
        assertThat(Files.getAttribute(target.resolve("bin/server"), "unix:nlink", LinkOption.NOFOLLOW_LINKS)).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            file outside the target          | ../evil     |             | 0
            absolute symbolic link           | lib/passwd  | /etc/passwd | 50
            symbolic link leaving the target | lib/up      | ../../x     | 50
            hard link to outside the target  | lib/hard    | ../../x     | 49
            """)
    void refusesEntriesThatEscapeTheTarget(String scenario, String name, String linkName, int type) throws IOException {
        byte[] txz = tarXz(tar -> {
            if (linkName == null) {
                file(tar, name, 0644, "x");
            } else {
                link(tar, name, linkName, (byte) type);
            }
        });

        assertThatThrownBy(() -> Archives.extractTarXz(new ByteArrayInputStream(txz), target.resolve("inside")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(name);
        assertThat(target.getParent().resolve("evil")).doesNotExist();
    }

    @Test
    void unpacksZipsKeepingUnixModes() throws IOException {
        Path zip = target.resolve("dist.zip");
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            zipEntry(out, "dist/bin/", 0755, null);
            zipEntry(out, "dist/bin/server", 0755, "#!/bin/sh\n");
            zipEntry(out, "dist/config/server.yml", 0640, "a: 1\n");
            zipEntry(out, "dist/README", 0, "no mode recorded");
        }

        Archives.extractZip(zip, target.resolve("out"));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("out/dist/bin/server")))).isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("out/dist/config/server.yml")))).isEqualTo("rw-r-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("out/dist/README")))).isEqualTo("rw-r--r--");
        assertThat(target.resolve("out/dist/config/server.yml")).hasContent("a: 1");
    }

    @Test
    void refusesZipEntriesThatEscapeTheTarget() throws IOException {
        Path zip = target.resolve("evil.zip");
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            zipEntry(out, "../evil", 0644, "x");
        }

        assertThatThrownBy(() -> Archives.extractZip(zip, target.resolve("inside")))
                .isInstanceOf(IOException.class).hasMessageContaining("../evil");
        assertThat(target.resolve("evil")).doesNotExist();
    }

    @ParameterizedTest
    @CsvSource({"0755, rwxr-xr-x", "0644, rw-r--r--", "0700, rwx------", "04755, rwxr-xr-x", "0, ---------"})
    void permissionBitsOfAMode(String octal, String expected) {
        assertThat(PosixFilePermissions.toString(Archives.permissions(Integer.parseInt(octal, 8)))).isEqualTo(expected);
    }

    private interface TarWriter {
        void write(TarArchiveOutputStream tar) throws IOException;
    }

    private static byte[] tarXz(TarWriter writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new XZCompressorOutputStream(bytes))) {
            writer.write(tar);
        }
        return bytes.toByteArray();
    }

    private static void directory(TarArchiveOutputStream tar, String name, int mode) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(TarArchiveEntry.DEFAULT_DIR_MODE & ~07777 | mode);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream tar, String name, int mode, String content) throws IOException {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name, true);
        entry.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~07777 | mode);
        entry.setSize(data.length);
        tar.putArchiveEntry(entry);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    private static void zipEntry(ZipArchiveOutputStream out, String name, int mode, String content) throws IOException {
        ZipArchiveEntry entry = new ZipArchiveEntry(name);
        if (mode != 0) {
            entry.setUnixMode((name.endsWith("/") ? 040000 : 0100000) | mode);
        }
        out.putArchiveEntry(entry);
        if (content != null) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
        out.closeArchiveEntry();
    }

    private static void link(TarArchiveOutputStream tar, String name, String linkName, byte type) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
        entry.setLinkName(linkName);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }
}
