package dev.etcdguard.rules;

import dev.etcdguard.etcd.FileView;
import dev.etcdguard.etcd.IoErrors;
import dev.etcdguard.etcd.Resolved;
import dev.etcdguard.rules.RuleDocument.CheckSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.List;

/** Primitives over the file-system entry a setting names (its mode), as the member sees it. */
final class PathChecks {

    private PathChecks() {}

    /** A file-system entry that is not on this machine: WARN when etcd most likely lacks it, else not evaluated. */
    private static CheckResult notOnDisk(CheckSpec spec, String path, FileView.Lookup lookup, List<Evidence> evidence) {
        if (lookup instanceof FileView.Lookup.Elsewhere elsewhere) {
            return elsewhere.suspicious() ? Outcome.warn(spec, path + ": " + elsewhere.reason(), evidence)
                    : Outcome.notEvaluated(spec, "not evaluated: " + path + " is " + elsewhere.reason(), evidence);
        }
        return Outcome.notEvaluated(spec, "not evaluated: " + path + " has no file mode or owner here", evidence);
    }

    /** The entry a setting names is owned by {@code user}:{@code group}, named by the member's account database. */
    static CheckResult pathOwner(CheckSpec spec, Subject s) {
        Resolved setting = s.config.get(spec.string("setting"));
        String user = spec.string("user");
        String group = spec.string("group");
        List<Evidence> settingEvidence = List.of(new Evidence.Setting(setting));
        String path = setting.value();
        return switch (s.files.lookup(path)) {
            case FileView.Lookup.OnDisk disk -> {
                int uid;
                int gid;
                try {
                    uid = (Integer) Files.getAttribute(disk.path(), "unix:uid");
                    gid = (Integer) Files.getAttribute(disk.path(), "unix:gid");
                } catch (NoSuchFileException e) {
                    yield Outcome.fail(spec, setting.name() + " " + path + " does not exist", settingEvidence);
                } catch (IOException | UnsupportedOperationException e) {
                    yield Outcome.error(spec, "cannot read " + path + ": "
                            + (e instanceof IOException io ? IoErrors.reason(io) : e.getMessage()), settingEvidence);
                }
                String userName = Accounts.name(s.files, "/etc/passwd", uid);
                String groupName = Accounts.name(s.files, "/etc/group", gid);
                String owner = (userName == null ? "uid " + uid : userName) + ":" + (groupName == null ? "gid " + gid : groupName);
                List<Evidence> evidence = List.of(new Evidence.Setting(setting),
                        new Evidence.File(path, "owner " + owner + " (uid " + uid + ", gid " + gid + ")"));
                if (user.equals(userName) && group.equals(groupName)) {
                    yield Outcome.pass(spec, setting.name() + " " + path + " is owned by " + owner, evidence);
                }
                yield Outcome.fail(spec, setting.name() + " " + path + " is owned by " + owner + ", not " + user + ":" + group
                        + (userName == null || groupName == null ? " (no such id in the account database)" : ""), evidence);
            }
            case FileView.Lookup other -> notOnDisk(spec, path, other, settingEvidence);
        };
    }

    /** The entry a setting names is no wider than {@code max-mode} (octal), e.g. a data directory at 0700. */
    static CheckResult pathMode(CheckSpec spec, Subject s) {
        Resolved setting = s.config.get(spec.string("setting"));
        int max = Integer.parseInt(spec.string("max-mode"), 8);
        List<Evidence> settingEvidence = List.of(new Evidence.Setting(setting));
        String path = setting.value();
        return switch (s.files.lookup(path)) {
            case FileView.Lookup.OnDisk disk -> {
                try {
                    PosixFileAttributes attrs = Files.readAttributes(disk.path(), PosixFileAttributes.class);
                    int mode = FileRead.mode(attrs.permissions());
                    List<Evidence> evidence = List.of(new Evidence.Setting(setting), new Evidence.File(path,
                            (attrs.isDirectory() ? "directory" : "file") + ", mode " + String.format("%04o", mode)));
                    if ((mode & ~max) != 0) {
                        yield Outcome.fail(spec, setting.name() + " " + path + " has mode " + String.format("%04o", mode)
                                + ", wider than " + String.format("%04o", max), evidence);
                    }
                    yield Outcome.pass(spec, setting.name() + " " + path + " has mode " + String.format("%04o", mode),
                            evidence);
                } catch (NoSuchFileException e) {
                    yield Outcome.fail(spec, setting.name() + " " + path + " does not exist", settingEvidence);
                } catch (IOException e) {
                    yield Outcome.error(spec, "cannot read " + path + ": " + IoErrors.reason(e), settingEvidence);
                }
            }
            case FileView.Lookup other -> notOnDisk(spec, path, other, settingEvidence);
        };
    }
}
