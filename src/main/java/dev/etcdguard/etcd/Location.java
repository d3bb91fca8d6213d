package dev.etcdguard.etcd;

/**
 * Where a piece of evidence was seen: an argv element, a process environment, or a line of a file.
 *
 * @param label  short human form, e.g. {@code argv[3]}, {@code /proc/42/environ}, {@code etcd.yaml:12:7}
 * @param file   the file it was read from, or null for argv
 * @param line   1-based line, 0 when not applicable
 * @param column 1-based column, 0 when not applicable
 */
public record Location(String label, String file, int line, int column) {

    public static Location argv(int index) {
        return new Location("argv[" + index + "]", null, 0, 0);
    }

    public static Location environ(String file) {
        return new Location(file, file, 0, 0);
    }

    public static Location fileLine(String file, int line, int column) {
        return new Location(file + ":" + line + ":" + column, file, line, column);
    }

    @Override
    public String toString() {
        return label;
    }
}
