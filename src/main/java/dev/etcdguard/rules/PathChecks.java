package dev.etcdguard.rules;

import dev.etcdguard.etcd.FileView;
import dev.etcdguard.etcd.IoErrors;
import dev.etcdguard.etcd.Resolved;
import dev.etcdguard.rules.RuleDocument.CheckSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Primitives over a file-system entry's mode and owner: the entry a setting names, as the program sees
 * it ({@code setting: data-dir}), or the kubelet static-pod file that runs the program ({@code file: pod-spec}).
 */
final class PathChecks {

    /** The {@code file:} value naming the static-pod file that runs the program. */
    static final String POD_SPEC = "pod-spec";

    /** The entry a check is about: how to name it, where it is, how to read it, and the evidence naming it. */
    private record Entry(String label, String path, FileView view, List<Evidence> evidence) {}

    private PathChecks() {}

    /** The entry a check names, or null when it names the static-pod file and there is none. */
    private static Entry entry(CheckSpec spec, Subject s) {
        if (spec.string("setting") != null) {
            Resolved setting = s.config.get(spec.string("setting"));
            return new Entry(setting.name() + " " + setting.value(), setting.value(), s.files,
                    List.of(new Evidence.Setting(setting)));
        }
        if (s.podSpecFile == null) {
            return null;
        }
        String path = s.podSpecFile.toString();
        return new Entry("static-pod file " + path, path, FileView.HOST, List.of());
    }

    private static CheckResult noPodSpec(CheckSpec spec, Subject s) {
        return Outcome.notEvaluated(spec, "no kubelet static-pod file runs this " + s.config.component().program()
                + " here (static-pod files are read from --static-pod-dir, or from /etc/kubernetes/manifests on the"
                + " node; a manifest elsewhere has no file mode kubelet would use)", List.of());
    }

    /** A file-system entry that is not on this machine: WARN when the program most likely lacks it, else not evaluated. */
    private static CheckResult notOnDisk(CheckSpec spec, String path, FileView.Lookup lookup, List<Evidence> evidence) {
        if (lookup instanceof FileView.Lookup.Elsewhere elsewhere) {
            return elsewhere.suspicious() ? Outcome.warn(spec, path + ": " + elsewhere.reason(), evidence)
                    : Outcome.notEvaluated(spec, "not evaluated: " + path + " is " + elsewhere.reason(), evidence);
        }
        return Outcome.notEvaluated(spec, "not evaluated: " + path + " has no file mode or owner here", evidence);
    }

    private static List<Evidence> with(List<Evidence> first, Evidence more) {
        List<Evidence> all = new ArrayList<>(first);
        all.add(more);
        return all;
    }

    /** The entry is owned by {@code user}:{@code group}, named by the account database the entry lives under. */
    static CheckResult pathOwner(CheckSpec spec, Subject s) {
        Entry entry = entry(spec, s);
        if (entry == null) {
            return noPodSpec(spec, s);
        }
        String user = spec.string("user");
        String group = spec.string("group");
        return switch (entry.view().lookup(entry.path())) {
            case FileView.Lookup.OnDisk disk -> {
                int uid;
                int gid;
                try {
                    uid = (Integer) Files.getAttribute(disk.path(), "unix:uid");
                    gid = (Integer) Files.getAttribute(disk.path(), "unix:gid");
                } catch (NoSuchFileException e) {
                    yield Outcome.fail(spec, entry.label() + " does not exist", entry.evidence());
                } catch (IOException | UnsupportedOperationException e) {
                    yield Outcome.error(spec, "cannot read " + entry.path() + ": "
                            + (e instanceof IOException io ? IoErrors.reason(io) : e.getMessage()), entry.evidence());
                }
                String userName = Accounts.name(entry.view(), "/etc/passwd", uid);
                String groupName = Accounts.name(entry.view(), "/etc/group", gid);
                String owner = (userName == null ? "uid " + uid : userName) + ":" + (groupName == null ? "gid " + gid : groupName);
                List<Evidence> evidence = with(entry.evidence(),
                        new Evidence.File(entry.path(), "owner " + owner + " (uid " + uid + ", gid " + gid + ")"));
                if (user.equals(userName) && group.equals(groupName)) {
                    yield Outcome.pass(spec, entry.label() + " is owned by " + owner, evidence);
                }
                yield Outcome.fail(spec, entry.label() + " is owned by " + owner + ", not " + user + ":" + group
                        + (userName == null || groupName == null ? " (no such id in the account database)" : ""), evidence);
            }
            case FileView.Lookup other -> notOnDisk(spec, entry.path(), other, entry.evidence());
        };
    }

    /** The entry is no wider than {@code max-mode} (octal), e.g. a data directory at 0700. */
    static CheckResult pathMode(CheckSpec spec, Subject s) {
        Entry entry = entry(spec, s);
        if (entry == null) {
            return noPodSpec(spec, s);
        }
        int max = Integer.parseInt(spec.string("max-mode"), 8);
        return switch (entry.view().lookup(entry.path())) {
            case FileView.Lookup.OnDisk disk -> {
                try {
                    PosixFileAttributes attrs = Files.readAttributes(disk.path(), PosixFileAttributes.class);
                    int mode = FileRead.mode(attrs.permissions());
                    List<Evidence> evidence = with(entry.evidence(), new Evidence.File(entry.path(),
                            (attrs.isDirectory() ? "directory" : "file") + ", mode " + String.format("%04o", mode)));
                    if ((mode & ~max) != 0) {
                        yield Outcome.fail(spec, entry.label() + " has mode " + String.format("%04o", mode)
                                + ", wider than " + String.format("%04o", max), evidence);
                    }
                    yield Outcome.pass(spec, entry.label() + " has mode " + String.format("%04o", mode), evidence);
                } catch (NoSuchFileException e) {
                    yield Outcome.fail(spec, entry.label() + " does not exist", entry.evidence());
                } catch (IOException e) {
                    yield Outcome.error(spec, "cannot read " + entry.path() + ": " + IoErrors.reason(e), entry.evidence());
                }
            }
            case FileView.Lookup other -> notOnDisk(spec, entry.path(), other, entry.evidence());
        };
    }
}
