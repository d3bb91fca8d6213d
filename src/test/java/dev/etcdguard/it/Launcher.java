package dev.etcdguard.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code ./etcdguard} launcher of this checkout as a separate process. */
final class Launcher {

    record Run(int exitCode, String stdout, String stderr) {}

    static final Path ROOT = Path.of(System.getProperty("user.dir"));

    private Launcher() {}

    static Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("etcdguard").toString());
        command.addAll(List.of(args));
        return exec(command, env);
    }

    /** Starts the launcher with {@code args} and leaves it running (a long-running command: the agent). */
    static Process start(List<String> args, Map<String, String> env, Path out, Path err) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("etcdguard").toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().putAll(env);
        return pb.start();
    }

    static Run exec(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        Path out = Files.createTempFile("etcdguard-out", ".txt");
        Path err = Files.createTempFile("etcdguard-err", ".txt");
        out.toFile().deleteOnExit(); // also when the test JVM is interrupted (SIGINT, SIGTERM)
        err.toFile().deleteOnExit();
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                            Path.of("/dev/null").toFile()));
            pb.environment().remove("NO_COLOR");
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("launcher did not finish: " + command);
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
