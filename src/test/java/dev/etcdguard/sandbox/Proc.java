package dev.etcdguard.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads what the kernel says about a process: /proc/PID/cmdline and /proc/PID/environ. */
final class Proc {

    private Proc() {
    }

    static List<String> cmdline(long pid) throws IOException {
        return nulSeparated(Path.of("/proc", Long.toString(pid), "cmdline"));
    }

    static Map<String, String> environ(long pid) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : nulSeparated(Path.of("/proc", Long.toString(pid), "environ"))) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static List<String> nulSeparated(Path file) throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        return Arrays.stream(text.split("\0")).filter(s -> !s.isEmpty()).toList();
    }
}
