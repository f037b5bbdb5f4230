package io.tidelog.harness;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;

/**
 * The user server processes run as ({@link #forServers()}): this JVM's own user, or — when the JVM runs as root — the
 * unprivileged user/group 65534 ({@code nobody}/{@code nogroup}), because PostgreSQL and OpenSearch
 * refuse to run as root and development and CI machines run everything as root.
 *
 * <p>Dropping privileges wraps the command in {@code setpriv}, which {@code exec}s the server, so the
 * launched process id is the server's own. Files the server must write are handed over with
 * {@link #own(Path)}. Immutable; one instance per JVM.
 */
final class ServerUser {

    static final int UNPRIVILEGED_ID = 65534;

    private static final ServerUser INSTANCE = new ServerUser(runningAsRoot());
    private static final ServerUser JVM_USER = new ServerUser(false);

    private final boolean dropPrivileges;

    ServerUser(boolean dropPrivileges) {
        this.dropPrivileges = dropPrivileges;
    }

    /** The user for servers that refuse root, and for any server whose files all live in its work directory. */
    static ServerUser forServers() {
        return INSTANCE;
    }

    /**
     * This JVM's own user, never dropping privileges: for a child JVM that reads its class path from
     * where this JVM reads it (a root-only {@code ~/.m2}, for instance).
     */
    static ServerUser jvmUser() {
        return JVM_USER;
    }

    boolean dropsPrivileges() {
        return dropPrivileges;
    }

    /** The command to run so that {@code command} runs as this user. */
    List<String> wrap(List<String> command) {
        if (!dropPrivileges) {
            return List.copyOf(command);
        }
        List<String> wrapped = new ArrayList<>(List.of("setpriv",
                "--reuid=" + UNPRIVILEGED_ID, "--regid=" + UNPRIVILEGED_ID, "--clear-groups", "--"));
        wrapped.addAll(command);
        return List.copyOf(wrapped);
    }

    /** Gives {@code tree} and everything under it (not following symbolic links) to this user. */
    void own(Path tree) throws IOException {
        if (!dropPrivileges) {
            return;
        }
        Files.walkFileTree(tree, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                chown(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                chown(file);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Fails unless this user can reach {@code dir}: every ancestor must be searchable by others
     * when privileges are dropped (a root-only home directory is not; {@code /tmp} is).
     */
    void checkCanReach(Path dir) throws IOException {
        if (!dropPrivileges) {
            return;
        }
        for (Path p = dir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IOException("user " + UNPRIVILEGED_ID + " cannot enter " + p
                        + "; point -D" + WorkDirs.BASE_DIR_PROPERTY + " at a directory it can reach, such as /tmp");
            }
        }
    }

    private static void chown(Path path) throws IOException {
        Files.setAttribute(path, "unix:uid", UNPRIVILEGED_ID, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", UNPRIVILEGED_ID, LinkOption.NOFOLLOW_LINKS);
    }

    private static boolean runningAsRoot() {
        try {
            // /proc/self belongs to the process's effective user.
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
