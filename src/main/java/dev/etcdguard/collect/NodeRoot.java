package dev.etcdguard.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Paths on a node whose root file system is a directory here ({@code --node-root}): {@code ..} and
 * symbolic links are resolved as on the node, so an absolute link target such as {@code /etc/ssl/x} means
 * {@code ROOT/etc/ssl/x}, and nothing resolves above the root, never to this machine's own files.
 */
final class NodeRoot {

    /** Symbolic links followed before giving up, as Linux does. */
    private static final int MAX_LINKS = 40;

    private NodeRoot() {}

    /** {@code path} (absolute on the node) as a path under {@code root}. */
    static Path resolve(Path root, String path) {
        Deque<String> pending = new ArrayDeque<>(components(path));
        List<String> resolved = new ArrayList<>();
        int links = 0;
        while (!pending.isEmpty()) {
            String c = pending.pollFirst();
            if (c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (!resolved.isEmpty()) {
                    resolved.remove(resolved.size() - 1);
                }
                continue;
            }
            resolved.add(c);
            Path here = join(root, resolved);
            if (!Files.isSymbolicLink(here)) {
                continue;
            }
            if (++links > MAX_LINKS) { // a loop: leave the rest as it is, reading it fails as on the node
                resolved.addAll(pending);
                return join(root, resolved);
            }
            String target;
            try {
                target = Files.readSymbolicLink(here).toString();
            } catch (IOException | UnsupportedOperationException e) {
                continue;
            }
            resolved.remove(resolved.size() - 1);
            if (target.startsWith("/")) {
                resolved.clear();
            }
            List<String> parts = components(target);
            for (int i = parts.size() - 1; i >= 0; i--) {
                pending.addFirst(parts.get(i));
            }
        }
        return join(root, resolved);
    }

    /**
     * A path with {@code .}, {@code ..} and repeated slashes resolved lexically (as far as the path itself
     * says: a container's own symbolic links are unknown); {@code ..} never climbs above {@code /}.
     */
    static String normalize(String absolute) {
        List<String> out = new ArrayList<>();
        for (String c : components(absolute)) {
            if (c.equals("..")) {
                if (!out.isEmpty()) {
                    out.remove(out.size() - 1);
                }
            } else if (!c.equals(".")) {
                out.add(c);
            }
        }
        return "/" + String.join("/", out);
    }

    private static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String c : path.split("/")) {
            if (!c.isEmpty()) {
                out.add(c);
            }
        }
        return out;
    }

    private static Path join(Path root, List<String> components) {
        return components.isEmpty() ? root : root.resolve(String.join("/", components));
    }
}
