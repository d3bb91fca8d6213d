package dev.etcdguard.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.nodes.Node;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The throughput floor: the same YAML parser only parsing the same files, on all cores. */
@Command(name = "parse-floor", hidden = true, description = "Only parse every *.yaml under DIR (benchmark floor).")
final class ParseFloorCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR")
    Path dir;

    @Override
    public Integer call() throws Exception {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        long documents = files.parallelStream().mapToLong(f -> {
            try {
                long n = 0;
                String text = Files.readString(f, StandardCharsets.UTF_8);
                for (Node doc : new Compose(LoadSettings.builder().setLabel(f.toString()).build()).composeAllFromString(text)) {
                    n += doc == null ? 0 : 1;
                }
                return n;
            } catch (Exception e) {
                return 0;
            }
        }).sum();
        System.out.println(documents + " documents in " + files.size() + " files");
        return 0;
    }
}
