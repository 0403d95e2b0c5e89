package io.iptracking.enrichment.geo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * A configured database file and the version of it last opened or tried. A new version is a change of
 * modification time, size or file identity (inode): geoipupdate writes a temporary file and renames it
 * over the old one, which always gives a new inode, even when it preserves the modification time.
 */
final class DatabaseFile {

    /** What identifies one version of a file on disk. */
    record Stamp(FileTime modified, long size, Object fileKey) {
    }

    private final DatabaseRole role;
    private final Path path;
    private Stamp tried;

    DatabaseFile(DatabaseRole role, Path path) {
        this.role = role;
        this.path = path;
    }

    DatabaseRole role() {
        return role;
    }

    Path path() {
        return path;
    }

    /**
     * The file's current stamp if it differs from the one last tried, which it then becomes; null when
     * the file is unchanged or absent (a file that disappears leaves the loaded database in use).
     */
    Stamp changed() {
        Stamp now = stamp(path);
        if (now == null || now.equals(tried)) {
            return null;
        }
        tried = now;
        return now;
    }

    /** Marks the file's current version as tried (at start-up). */
    void markTried() {
        tried = stamp(path);
    }

    private static Stamp stamp(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            return new Stamp(a.lastModifiedTime(), a.size(), Objects.requireNonNullElse(a.fileKey(), "none"));
        } catch (IOException e) {
            return null;
        }
    }
}
