package dev.etcdguard.collect;

import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.Invocation;
import dev.etcdguard.etcd.IoErrors;
import dev.etcdguard.etcd.SourceFinding;
import dev.etcdguard.etcd.Target;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads Kubernetes manifests and kubeadm configurations (YAML, multi-document, and JSON) and yields one
 * {@link Invocation} per etcd container, plus findings about the input itself. Files are parsed in
 * parallel on all cores; only ConfigMap data and the documents that define etcd are kept, so memory
 * stays bounded whatever the number of files.
 */
public final class ManifestCollector {

    /** Files larger than this are skipped with an ERROR result. */
    public static final long DEFAULT_MAX_FILE_BYTES = 8L * 1024 * 1024;

    /**
     * How many nodes the documents of a file may expand to through YAML aliases beyond the file's length in
     * characters (a document without aliases has fewer nodes than characters).
     */
    private static final long ALIAS_EXPANSION_ALLOWANCE = 1_000_000;

    /**
     * @param nodeRoot     where a node's files are (hostPath volumes are read under it), or null
     * @param maxFileBytes larger files are skipped
     */
    public record Options(Path nodeRoot, long maxFileBytes) {}

    /** Everything the manifests yielded. */
    public record Output(List<Invocation> invocations, List<SourceFinding> findings, int files, int documents) {}

    /**
     * What one file yielded before ConfigMaps from every file are known: its pods that run etcd or
     * kube-apiserver (by document index), whether one of them runs etcd, its kubeadm documents.
     */
    private record Parsed(ManifestInputs.Input input, List<Map.Entry<Integer, Manifests.PodSpec>> pods,
                          boolean runsEtcd, List<Map.Entry<Integer, Node>> kubeadm, List<Kubeadm.Embedded> embedded,
                          int documents, SourceFinding error) {
        Parsed(ManifestInputs.Input input, List<Map.Entry<Integer, Manifests.PodSpec>> pods, boolean runsEtcd,
               List<Map.Entry<Integer, Node>> kubeadm, int documents, SourceFinding error) {
            this(input, pods, runsEtcd, kubeadm, List.of(), documents, error);
        }
    }

    /** Told how many files there are, then of each one read; called from several threads. */
    public interface Progress {
        void started(int files);

        void fileDone();
    }

    private final Options options;
    private Progress progress = new Progress() {
        public void started(int files) {}

        public void fileDone() {}
    };

    public ManifestCollector(Options options) {
        this.options = options;
    }

    public ManifestCollector withProgress(Progress progress) {
        this.progress = progress;
        return this;
    }

    /**
     * @param paths          files, directories (walked recursively) and {@code -} for standard input
     * @param staticPodDirs  directories read with kubelet's static-pod rules
     */
    public Output collect(List<String> paths, List<Path> staticPodDirs) {
        List<SourceFinding> findings = new ArrayList<>();
        List<ManifestInputs.Input> inputs = new ArrayList<>(ManifestInputs.expand(paths, findings));
        for (Path dir : staticPodDirs) {
            inputs.addAll(ManifestInputs.staticPodDir(dir, findings));
        }
        inputs = ManifestInputs.distinct(inputs);
        ConfigMaps configMaps = new ConfigMaps(codePointLimit());
        progress.started(inputs.size());
        List<ManifestInputs.Input> all = inputs;
        List<Parsed> parsed = IntStream.range(0, all.size()).parallel().mapToObj(n -> {
            Parsed p = parse(all.get(n), n, configMaps);
            progress.fileDone();
            return p;
        }).toList();

        List<Invocation> invocations = new ArrayList<>();
        int documents = 0;
        for (Parsed p : parsed) {
            documents += p.documents();
            if (p.error() != null) {
                findings.add(p.error());
            }
            for (Map.Entry<Integer, Manifests.PodSpec> pod : p.pods()) {
                for (Invocation inv : Containers.read(p.input().display(), pod.getKey(), pod.getValue(), configMaps,
                        options.nodeRoot())) {
                    List<String> more = new ArrayList<>();
                    if (pod.getValue().warning() != null) {
                        more.add(pod.getValue().warning());
                    }
                    if (inv.target() instanceof Target.Manifest m) {
                        more.addAll(configMaps.ambiguities(pod.getValue(), m.container()));
                    }
                    inv = inv.withWarnings(more);
                    invocations.add(p.input().staticPod() ? inv.withPodSpecFile(p.input().path()) : inv);
                }
            }
            if (!p.kubeadm().isEmpty()) {
                Kubeadm.Outcome k = Kubeadm.read(p.input().display(), p.kubeadm(), options.nodeRoot());
                invocations.addAll(k.invocations());
                findings.addAll(k.findings());
            }
            for (Kubeadm.Embedded e : p.embedded()) { // kube-system/kubeadm-config: one kubeadm configuration each
                if (e.problem() != null) {
                    findings.add(new SourceFinding(SourceFinding.Kind.UNREADABLE_INPUT, new Target.Manifest(
                            p.input().display(), e.document(), 0, 0, "ConfigMap/kube-system/kubeadm-config", null, null),
                            e.problem()));
                    continue;
                }
                Kubeadm.Outcome k = Kubeadm.read(p.input().display(), e.docs(), options.nodeRoot());
                k = e.relocateTo() == null ? k : Kubeadm.relocate(k, e.relocateTo());
                invocations.addAll(k.invocations());
                findings.addAll(k.findings());
            }
        }
        findings.addAll(duplicateStaticPods(parsed));
        return new Output(invocations, findings, inputs.size(), documents);
    }

    private Parsed parse(ManifestInputs.Input input, int order, ConfigMaps configMaps) {
        List<Map.Entry<Integer, Manifests.PodSpec>> pods = new ArrayList<>();
        boolean etcd = false;
        List<Map.Entry<Integer, Node>> kubeadm = new ArrayList<>();
        List<Kubeadm.Embedded> embedded = new ArrayList<>();
        String file = input.display();
        String text;
        try {
            text = read(input);
        } catch (IOException e) {
            return new Parsed(input, pods, etcd, kubeadm, 0, ManifestInputs.unreadable(file, e.getMessage()));
        }
        int index = 0;
        int documents = 0;
        long[] budget = {text.length() + ALIAS_EXPANSION_ALLOWANCE};
        try {
            for (Node doc : new Compose(Yaml.settings(file, codePointLimit())).composeAllFromString(text)) {
                int i = index++;
                if (Yaml.isEmptyDocument(doc)) {
                    continue;
                }
                documents++;
                String problem = Yaml.problem(doc, budget);
                if (problem != null) {
                    return new Parsed(input, pods, etcd, kubeadm, documents, ManifestInputs.unreadable(file,
                            "not readable as Kubernetes reads it (document " + i + "): " + problem));
                }
                String kind = Yaml.str(Yaml.get(doc, "kind"));
                // ConfigMaps, by themselves or in a List (kubectl get ... -o yaml of several objects)
                List<Node> items = kind != null && kind.endsWith("List") ? Yaml.seq(Yaml.get(doc, "items")) : List.of(doc);
                for (int item = 0; item < items.size(); item++) {
                    Node cm = items.get(item);
                    if ("ConfigMap".equals(Yaml.str(Yaml.get(cm, "kind")))) {
                        configMaps.add(file, input.path(), i, cm == doc ? -1 : item, order, cm, text);
                        if (Kubeadm.isKubeadmConfigMap(cm)) {
                            embedded.add(Kubeadm.embedded(file, i, cm, text, codePointLimit()));
                        }
                    }
                }
                if ("ConfigMap".equals(kind)) {
                    continue;
                }
                if (Kubeadm.isKubeadm(doc)) {
                    kubeadm.add(new AbstractMap.SimpleImmutableEntry<>(i, doc));
                    continue;
                }
                Manifests.PodSpec template = Manifests.template(doc);
                for (Manifests.PodSpec pod : template != null ? List.of(template) : Manifests.podSpecs(doc)) {
                    Set<Component> components = Containers.components(file, pod);
                    if (!components.isEmpty()) {
                        pods.add(new AbstractMap.SimpleImmutableEntry<>(i, pod));
                        etcd |= components.contains(Component.ETCD);
                    }
                }
            }
        } catch (YamlEngineException e) {
            return new Parsed(input, pods, etcd, kubeadm, documents, ManifestInputs.unreadable(file,
                    "not valid YAML (document " + index + "): " + oneLine(e.getMessage())));
        } catch (StackOverflowError e) {
            return new Parsed(input, pods, etcd, kubeadm, documents, ManifestInputs.unreadable(file,
                    "not valid YAML (document " + index + "): nested too deeply"));
        } catch (RuntimeException e) {
            // Never let one file end the scan of the others.
            return new Parsed(input, pods, etcd, kubeadm, documents, ManifestInputs.unreadable(file,
                    "cannot be read (document " + index + "): " + oneLine(String.valueOf(e))));
        }
        if (documents == 0) {
            return new Parsed(input, pods, etcd, kubeadm, 0, ManifestInputs.unreadable(file, "no YAML documents (empty file)"));
        }
        return new Parsed(input, pods, etcd, kubeadm, embedded, documents, null);
    }

    private int codePointLimit() {
        return (int) Math.min(Integer.MAX_VALUE, options.maxFileBytes());
    }

    /** The file's text: size-limited, not binary, valid UTF-8. */
    private String read(ManifestInputs.Input input) throws IOException {
        long max = options.maxFileBytes();
        long size = -1;
        byte[] bytes;
        try {
            if (input.path() == null) {
                bytes = System.in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            } else {
                size = Files.size(input.path());
                bytes = size > max ? null : Files.readAllBytes(input.path()); // never read a file past the limit
            }
        } catch (IOException e) {
            throw new IOException(IoErrors.reason(e), e);
        }
        if (bytes == null || bytes.length > max) {
            throw new IOException("larger than the " + max + "-byte limit" + (size > max ? " (" + size + " bytes)" : "")
                    + "; skipped (see --max-file-size)");
        }
        for (byte b : bytes) {
            if (b == 0) {
                throw new IOException("a binary file (it contains NUL bytes), not YAML or JSON");
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException("not UTF-8 text: Kubernetes manifests are UTF-8");
        }
    }

    /**
     * kubelet runs every file of a static-pod directory: a second file that defines an etcd pod (a backup
     * such as {@code etcd.yaml.bak}) is a second etcd.
     */
    private static List<SourceFinding> duplicateStaticPods(List<Parsed> parsed) {
        Map<Path, List<String>> byDir = new java.util.TreeMap<>();
        for (Parsed p : parsed) {
            if (p.input().staticPod() && p.runsEtcd()) {
                byDir.computeIfAbsent(p.input().path().getParent(), d -> new ArrayList<>()).add(p.input().display());
            }
        }
        List<SourceFinding> findings = new ArrayList<>();
        byDir.forEach((dir, files) -> {
            if (files.size() < 2) {
                return;
            }
            String kept = files.stream().filter(f -> Path.of(f).getFileName().toString().equals("etcd.yaml"))
                    .findFirst().orElse(files.get(0));
            for (String f : files) {
                if (!f.equals(kept)) {
                    findings.add(new SourceFinding(SourceFinding.Kind.DUPLICATE_STATIC_POD, Target.Manifest.file(f),
                            "kubelet runs every file in " + dir + " whose name does not start with a dot: " + f
                                    + " defines an etcd pod too (besides " + kept + "); move it out of the directory"));
                }
            }
        });
        return findings;
    }

    private static String oneLine(String message) {
        return message == null ? "parse error" : message.strip().replaceAll("\\s*\\n\\s*", " ");
    }
}
