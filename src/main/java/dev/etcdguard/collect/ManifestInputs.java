package dev.etcdguard.collect;

import dev.etcdguard.etcd.IoErrors;
import dev.etcdguard.etcd.SourceFinding;
import dev.etcdguard.etcd.Target;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Expands the scan's arguments into the files to read, reporting what cannot be walked. */
final class ManifestInputs {

    /**
     * One file to read.
     *
     * @param display   the path as the report shows it ({@code -} for standard input)
     * @param path      the file, or null for standard input
     * @param staticPod read with kubelet's static-pod directory rules
     */
    record Input(String display, Path path, boolean staticPod) {}

    private ManifestInputs() {}

    /** Files given, directories walked (YAML and JSON files, symbolic links followed, loops reported). */
    static List<Input> expand(List<String> arguments, List<SourceFinding> findings) {
        List<Input> inputs = new ArrayList<>();
        for (String arg : arguments) {
            if (arg.equals("-")) {
                inputs.add(new Input("-", null, false));
                continue;
            }
            Path p = Path.of(arg);
            if (Files.isDirectory(p)) {
                walk(p, inputs, findings);
            } else if (Files.isRegularFile(p)) {
                inputs.add(new Input(arg, p, false));
            } else if (Files.exists(p)) {
                findings.add(unreadable(arg, "not a regular file or directory (a device, socket or FIFO)"));
            } else {
                findings.add(unreadable(arg, Files.isSymbolicLink(p) ? brokenLink(p) : "no such file or directory"));
            }
        }
        return inputs;
    }

    /**
     * The inputs with each file once: a file named twice, inside a directory also given, or through a symbolic
     * link is the same file (by its real path). The first occurrence is kept, in its place, except that a
     * static-pod directory's file is kept as such (kubelet runs it).
     */
    static List<Input> distinct(List<Input> inputs) {
        Map<Object, Integer> first = new HashMap<>();
        List<Input> out = new ArrayList<>();
        for (Input in : inputs) {
            Object key = in.path() == null ? new Object() : realPath(in.path());
            Integer at = first.putIfAbsent(key, out.size());
            if (at == null) {
                out.add(in);
            } else if (in.staticPod() && !out.get(at).staticPod()) {
                out.set(at, in);
            }
        }
        return out;
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException | SecurityException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /**
     * A static-pod directory as kubelet reads it: every regular file directly inside it whose name does
     * not start with a dot is a pod manifest, whatever its extension.
     */
    static List<Input> staticPodDir(Path dir, List<SourceFinding> findings) {
        List<Input> inputs = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.startsWith(".") && Files.isRegularFile(entry)) {
                    inputs.add(new Input(entry.toString(), entry, true));
                }
            }
        } catch (IOException e) {
            findings.add(unreadable(dir.toString(), "cannot list the static-pod directory: " + IoErrors.reason(e)));
        }
        inputs.sort((a, b) -> a.display().compareTo(b.display()));
        return inputs;
    }

    private static void walk(Path root, List<Input> inputs, List<SourceFinding> findings) {
        List<Input> found = new ArrayList<>();
        try {
            Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (!isManifestName(file.getFileName().toString())) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (attrs.isRegularFile()) {
                        found.add(new Input(file.toString(), file, false));
                    } else if (attrs.isSymbolicLink()) { // a link the walk could not follow
                        findings.add(unreadable(file.toString(), brokenLink(file)));
                    } else {
                        findings.add(unreadable(file.toString(), "not a regular file (a device, socket or FIFO)"));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    findings.add(unreadable(file.toString(), e instanceof FileSystemLoopException
                            ? "symbolic link loop (skipped)" : IoErrors.reason(e)));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            findings.add(unreadable(root.toString(), IoErrors.reason(e)));
        }
        found.sort((a, b) -> a.display().compareTo(b.display()));
        inputs.addAll(found);
    }

    /** Why a symbolic link that cannot be followed cannot: it loops, or its target is missing. */
    static String brokenLink(Path link) {
        Set<Path> seen = new HashSet<>();
        Path p = link.toAbsolutePath().normalize();
        try {
            for (int hops = 0; hops < 40 && Files.isSymbolicLink(p); hops++) {
                if (!seen.add(p)) {
                    return "symbolic link loop";
                }
                p = p.resolveSibling(Files.readSymbolicLink(p)).normalize();
            }
            if (Files.isSymbolicLink(p)) {
                return "symbolic link loop (more than 40 links)";
            }
            return Files.exists(p) ? "symbolic link that cannot be followed (" + p + ")"
                    : "dangling symbolic link (" + p + " does not exist)";
        } catch (IOException e) {
            return "symbolic link that cannot be followed: " + IoErrors.reason(e);
        }
    }

    private static boolean isManifestName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json");
    }

    static SourceFinding unreadable(String file, String reason) {
        return new SourceFinding(SourceFinding.Kind.UNREADABLE_INPUT, Target.Manifest.file(file), reason);
    }
}
