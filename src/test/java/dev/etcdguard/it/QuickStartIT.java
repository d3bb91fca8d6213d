package dev.etcdguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Quick start works as written on a root Debian machine (no sudo there), CI runs its test command,
 * and {@code scripts/install-debian-packages.sh} behaves for root, for a user with sudo and for one without.
 * The script runs for real, with {@code id}, {@code dpkg-query}, {@code apt-get} and {@code sudo} replaced by
 * recording stand-ins on its PATH (nothing is installed).
 */
class QuickStartIT {

    private static final Path SCRIPT = Launcher.ROOT.resolve("scripts/install-debian-packages.sh");

    @TempDir
    Path dir;

    private static List<String> quickStartCommands() throws IOException {
        String readme = Files.readString(Launcher.ROOT.resolve("README.md"));
        String section = readme.substring(readme.indexOf("## Quick start"));
        section = section.substring(0, section.indexOf("\n## ", 3));
        List<String> commands = new ArrayList<>();
        String[] blocks = section.split("```sh\n");
        for (int i = 1; i < blocks.length; i++) {
            commands.add(blocks[i].substring(0, blocks[i].indexOf("```")).strip());
        }
        return commands;
    }

    @Test
    void quickStartNeedsNoSudoAndCiRunsItsTestCommand() throws IOException {
        List<String> commands = quickStartCommands();
        assertThat(commands).hasSize(2);
        commands.forEach(c -> assertThat(c).doesNotContain("sudo").startsWith("scripts/install-debian-packages.sh && "));
        List<String> ci = Files.readAllLines(Launcher.ROOT.resolve(".ci/run")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#") && !l.startsWith("set ") && !l.startsWith("cd ")).toList();
        assertThat(ci).containsExactly(commands.get(1));
    }

    /** A PATH of stand-ins: grep and sed are the real ones; the others log their arguments to calls.log. */
    private Path stubs(int uid, boolean installed, boolean withSudo) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String real : List.of("grep", "sed", "env")) {
            Files.createSymbolicLink(bin.resolve(real), Path.of("/usr/bin", real));
        }
        Path log = dir.resolve("calls.log");
        stub(bin, "id", "echo " + uid);
        stub(bin, "dpkg-query", installed ? "echo 'install ok installed'" : "exit 1");
        stub(bin, "apt-get", "echo \"apt-get $*\" >> " + log);
        if (withSudo) {
            stub(bin, "sudo", "echo \"sudo $*\" >> " + log + "; exec \"$@\"");
        }
        return bin;
    }

    private static void stub(Path bin, String name, String body) throws IOException {
        Path file = bin.resolve(name);
        Files.writeString(file, "#!/bin/bash\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Launcher.Run install(Path bin, String javaHome) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/env", "-i", "PATH=" + bin));
        if (javaHome != null) {
            command.add("JAVA_HOME=" + javaHome);
        }
        command.addAll(List.of("/bin/bash", SCRIPT.toString()));
        return Launcher.exec(command, Map.of());
    }

    private List<String> calls() throws IOException {
        Path log = dir.resolve("calls.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private Path fakeJdk(String version) throws IOException {
        Path jdk = Files.createDirectories(dir.resolve("jdk-" + version + "/bin"));
        stub(jdk, "java", "exit 0");
        Files.writeString(jdk.getParent().resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
        return jdk.getParent();
    }

    @Test
    void rootInstallsWithoutSudo() throws Exception {
        Launcher.Run run = install(stubs(0, false, false), fakeJdk("25.0.1").toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(calls()).containsExactly("apt-get update -qq",
                "apt-get install -y -qq --no-install-recommends etcd-server procps time openssl chromium fonts-liberation prometheus postgresql");
        assertThat(run.stdout()).contains("installed: etcd-server procps time openssl chromium fonts-liberation prometheus postgresql");
    }

    @Test
    void userWithSudoInstallsThroughSudo() throws Exception {
        Launcher.Run run = install(stubs(1000, false, true), fakeJdk("25.0.1").toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(calls()).contains("sudo apt-get update -qq",
                "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "
                        + "etcd-server procps time openssl chromium fonts-liberation prometheus postgresql");
    }

    @Test
    void userWithoutSudoGetsAClearError() throws Exception {
        Launcher.Run run = install(stubs(1000, false, false), null);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("needs root, and sudo is not installed: run this script as root");
        assertThat(calls()).isEmpty();
    }

    @Test
    void nothingMissingNeedsNeitherRootNorSudo() throws Exception {
        Launcher.Run run = install(stubs(1000, true, false), fakeJdk("25").toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(calls()).isEmpty();
    }

    @Test
    void jdkIsFoundInJavaHomeAndUnderUsrLibJvm() throws Exception {
        Path jdk25 = fakeJdk("25.0.1");
        Launcher.Run given = install(stubs(0, true, false), jdk25.toString());
        assertThat(given.stdout()).contains("JDK 25 or newer: " + jdk25);
        assertThat(given.stderr()).doesNotContain("warning");
        // JAVA_HOME naming a JDK 17: the one under /usr/lib/jvm is found, else the warning says what to do
        Launcher.Run old = install(dir.resolve("bin"), fakeJdk("17.0.2").toString());
        Path temurin = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
        if (Files.isRegularFile(temurin.resolve("release")) && Files.isExecutable(temurin.resolve("bin/java"))) {
            assertThat(old.stdout()).contains("JDK 25 or newer: " + temurin);
            assertThat(old.stderr()).doesNotContain("no JDK 25");
        } else {
            assertThat(old.stderr()).contains("warning: no JDK 25 or newer found");
        }
    }
}
