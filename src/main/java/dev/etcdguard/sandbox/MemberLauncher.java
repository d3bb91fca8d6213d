package dev.etcdguard.sandbox;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts one etcd member as a child process, delivering its settings as flags, environment or config file. */
final class MemberLauncher {

    private MemberLauncher() {
    }

    static Process launch(Path etcd, Delivery delivery, MemberSettings settings, Path configFile, Path logFile,
            Path workDir) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(etcd.toString());
        ProcessBuilder builder = new ProcessBuilder();
        Map<String, String> environment = builder.environment();
        // inherited ETCD_* variables would add settings or, next to a flag, make etcd 3.4 refuse to start
        environment.keySet().removeIf(name -> name.startsWith("ETCD_"));
        switch (delivery) {
            case FLAGS -> settings.asFlags().forEach((flag, value) -> command.add("--" + flag + "=" + value));
            case ENV -> environment.putAll(settings.asEnvironment());
            case CONFIG_FILE -> {
                Files.writeString(configFile, ConfigFileText.render(settings));
                command.add("--config-file=" + configFile);
            }
        }
        return builder.command(command)
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
    }
}
