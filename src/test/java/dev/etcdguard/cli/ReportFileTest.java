package dev.etcdguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -o FILE} on real files, a real character device, a FIFO and symbolic links. */
class ReportFileTest {

    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFREG = 0100000;

    @TempDir
    Path dir;

    private final List<String> notes = new ArrayList<>();

    private void write(Path file, String text) throws IOException {
        Consumer<PrintWriter> render = out -> out.print(text);
        ReportFile.write(file, render, notes::add);
    }

    private static int mode(Path file) throws IOException {
        return (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    private static int umask() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "umask").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        p.waitFor();
        return Integer.parseInt(out, 8);
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
    }

    private List<String> leftovers() throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
        }
    }

    @Test
    void devNullStaysACharacterDevice() throws Exception {
        Path devNull = Path.of("/dev/null");
        assertThat(mode(devNull) & S_IFMT).as("/dev/null before the test").isEqualTo(S_IFCHR);
        write(devNull, "{\"report\": 1}\n");
        assertThat(mode(devNull) & S_IFMT).as("/dev/null after -o /dev/null").isEqualTo(S_IFCHR);
        assertThat(Files.size(devNull)).isZero();
        try (var dev = Files.list(Path.of("/dev"))) {
            assertThat(dev.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".null"))).isEmpty();
        }
    }

    @Test
    void ownCharacterDeviceIsWrittenInPlace() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mknod needs root");
        Path device = dir.resolve("null");
        run("mknod", "-m", "666", device.toString(), "c", "1", "3");
        int before = mode(device);
        write(device, "report\n");
        assertThat(mode(device)).isEqualTo(before);
        assertThat(mode(device) & S_IFMT).isEqualTo(S_IFCHR);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void fifoIsWrittenInPlaceForItsReader() throws Exception {
        Path fifo = dir.resolve("report.fifo");
        run("mkfifo", fifo.toString());
        CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readString(fifo);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        write(fifo, "the report\n");
        assertThat(reader.get(30, TimeUnit.SECONDS)).isEqualTo("the report\n");
        assertThat(mode(fifo) & S_IFMT).isEqualTo(S_IFIFO);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void existingRegularFileIsReplacedAndKeepsItsMode() throws Exception {
        Path report = dir.resolve("report.json");
        Files.writeString(report, "old report, longer than the new one\n");
        Files.setPosixFilePermissions(report, PosixFilePermissions.fromString("rw-r-----"));
        Object inodeBefore = Files.getAttribute(report, "unix:ino");
        write(report, "new\n");
        assertThat(Files.readString(report)).isEqualTo("new\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(report))).isEqualTo("rw-r-----");
        // replaced by rename, not rewritten: a reader holding the old file never sees half a report
        assertThat(Files.getAttribute(report, "unix:ino")).isNotEqualTo(inodeBefore);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void newFileIsCreatedOwnerOnlyWithinTheUmask() throws Exception {
        Path report = dir.resolve("new.json");
        write(report, "{}\n");
        assertThat(Files.readString(report)).isEqualTo("{}\n");
        assertThat(mode(report) & S_IFMT).isEqualTo(S_IFREG);
        assertThat(mode(report) & 07777).isEqualTo(0600 & ~umask());
        assertThat(notes).isEmpty();
    }

    @Test
    void symbolicLinkIsFollowedWithANoteAndStays() throws Exception {
        Path target = dir.resolve("real.json");
        Files.writeString(target, "old\n");
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), Path.of("real.json"));
        write(link, "new\n");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(target)).isEqualTo("new\n");
        assertThat(notes).singleElement().asString().contains("symbolic link", target.toString());
    }

    @Test
    void symbolicLinkToADeviceWritesTheDeviceInPlace() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("out"), Path.of("/dev/null"));
        write(link, "report\n");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(mode(Path.of("/dev/null")) & S_IFMT).isEqualTo(S_IFCHR);
        assertThat(notes).singleElement().asString().contains("/dev/null");
    }

    @Test
    void danglingSymbolicLinkCreatesItsTarget() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("out.json"), Path.of("made.json"));
        write(link, "made\n");
        assertThat(Files.readString(dir.resolve("made.json"))).isEqualTo("made\n");
        assertThat(Files.isSymbolicLink(link)).isTrue();
    }

    @Test
    void symbolicLinkLoopIsAClearError() throws Exception {
        Files.createSymbolicLink(dir.resolve("a"), Path.of("b"));
        Files.createSymbolicLink(dir.resolve("b"), Path.of("a"));
        assertThatThrownBy(() -> write(dir.resolve("a"), "x"))
                .isInstanceOf(IOException.class).hasMessageContaining("too many levels of symbolic links");
    }

    @Test
    void directoryMissingParentAndNoPermissionAreOneLineErrors() throws Exception {
        assertThatThrownBy(() -> write(dir, "x")).isInstanceOf(IOException.class)
                .hasMessage("cannot write the report to " + dir + ": it is a directory");
        Path missing = dir.resolve("no/such/dir/report.json");
        assertThatThrownBy(() -> write(missing, "x")).isInstanceOf(IOException.class)
                .hasMessageContaining("cannot write the report to " + missing)
                .hasMessageContaining("directory " + dir.resolve("no/such/dir") + " does not exist");
        Path blockDevice = dir.resolve("blk");
        if ("root".equals(System.getProperty("user.name"))) {
            run("mknod", blockDevice.toString(), "b", "7", "200");
            assertThatThrownBy(() -> write(blockDevice, "x")).isInstanceOf(IOException.class)
                    .hasMessageContaining("block device");
            assertThat(Files.size(blockDevice)).isZero();
        }
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void unwritableDirectoryIsPermissionDenied() throws Exception {
        assumeTrue(!"root".equals(System.getProperty("user.name")), "root may write anywhere");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
        assertThatThrownBy(() -> write(locked.resolve("r.json"), "x")).isInstanceOf(IOException.class)
                .hasMessageEndingWith(": permission denied");
    }
}
