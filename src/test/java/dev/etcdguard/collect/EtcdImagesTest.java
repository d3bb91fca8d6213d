package dev.etcdguard.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The etcd images data file and how a container's image reference is matched against it. */
class EtcdImagesTest {

    @ParameterizedTest
    @CsvSource({
            "quay.io/coreos/etcd:v3.5.9, quay.io/coreos/etcd, CMD, 3.5.9",
            "gcr.io/etcd-development/etcd:v3.4.23, gcr.io/etcd-development/etcd, CMD, 3.4.23",
            "bitnami/etcd:3.5.17-debian-12-r3, docker.io/bitnami/etcd, BITNAMI, 3.5.17",
            "docker.io/bitnami/etcd:3.6.4-debian-12-r3, docker.io/bitnami/etcd, BITNAMI, 3.6.4",
            "index.docker.io/bitnami/etcd:3.5, docker.io/bitnami/etcd, BITNAMI, 3.5",
            "registry.k8s.io/etcd:3.5.15-0, registry.k8s.io/etcd, NONE, 3.5.15",
            "k8s.gcr.io/etcd:3.4.13-0, k8s.gcr.io/etcd, NONE, 3.4.13",
            "REGISTRY.K8S.IO/etcd:3.5.15-0, registry.k8s.io/etcd, NONE, 3.5.15",
    })
    void knownImagesWithAnyTag(String image, String repository, String entrypoint, String version) {
        EtcdImages.Match m = EtcdImages.match(image);
        assertThat(m).isNotNull();
        assertThat(m.entry().repository()).isEqualTo(repository);
        assertThat(m.entry().entrypoint()).isEqualTo(EtcdImages.Entrypoint.valueOf(entrypoint));
        assertThat(m.version()).isEqualTo(version);
        assertThat(m.mirror()).isFalse();
        assertThat(m.describe()).isEqualTo("image " + image);
    }

    @Test
    void digestsLatestAndNoTagGiveNoVersion() {
        assertThat(EtcdImages.match("quay.io/coreos/etcd@sha256:0123abcd").version()).isNull();
        assertThat(EtcdImages.match("quay.io/coreos/etcd:v3.5.9@sha256:0123abcd").version()).isEqualTo("3.5.9");
        assertThat(EtcdImages.match("bitnami/etcd:latest").version()).isNull();
        assertThat(EtcdImages.match("bitnami/etcd").version()).isNull();
        assertThat(EtcdImages.match("quay.io/coreos/etcd").entry().program()).isEqualTo("/usr/local/bin/etcd");
    }

    @Test
    void aMirrorMatchesByItsPathAndSaysSo() {
        EtcdImages.Match m = EtcdImages.match("harbor.example.com:8443/dockerhub-proxy/bitnami/etcd:3.5.17");
        assertThat(m).isNotNull();
        assertThat(m.mirror()).isTrue();
        assertThat(m.entry().entrypoint()).isEqualTo(EtcdImages.Entrypoint.BITNAMI);
        assertThat(m.describe()).contains("taken as a mirror of docker.io/bitnami/etcd");
        assertThat(m.version()).isEqualTo("3.5.17");
    }

    @Test
    void otherImagesAreNotEtcdImages() {
        assertThat(EtcdImages.match("bitnami/etcd-operator:0.9")).isNull();
        assertThat(EtcdImages.match("docker.io/library/busybox:1.36")).isNull();
        assertThat(EtcdImages.match("myetcd:3.5")).isNull(); // docker.io/library/myetcd
        assertThat(EtcdImages.match("example.com/notbitnami/etcd:3.5")).isNull();
        assertThat(EtcdImages.match("example.com/mirror/etcd:3.5.15-0")).isNull(); // a bare name is no mirror
        assertThat(EtcdImages.match(null)).isNull();
        assertThat(EtcdImages.match("  ")).isNull();
    }

    @Test
    void normalizationFollowsDockerReferences() {
        assertThat(EtcdImages.normalize("etcd")).isEqualTo("docker.io/library/etcd");
        assertThat(EtcdImages.normalize("bitnami/etcd")).isEqualTo("docker.io/bitnami/etcd");
        assertThat(EtcdImages.normalize("localhost/etcd")).isEqualTo("localhost/etcd");
        assertThat(EtcdImages.normalize("localhost:5000/x/etcd")).isEqualTo("localhost:5000/x/etcd");
    }

    @Test
    void theDataFileParsesAndABadLineIsRejected() {
        assertThat(EtcdImages.entries()).extracting(EtcdImages.Entry::repository)
                .contains("quay.io/coreos/etcd", "gcr.io/etcd-development/etcd", "registry.k8s.io/etcd", "k8s.gcr.io/etcd",
                        "docker.io/bitnami/etcd");
        assertThat(EtcdImages.parse("# c\n\nbitnami/etcd bitnami\nquay.io/x cmd /bin/etcd\n")).hasSize(2);
        assertThatThrownBy(() -> EtcdImages.parse("quay.io/x cmd\n")).hasMessageContaining("line 1");
        assertThatThrownBy(() -> EtcdImages.parse("\nquay.io/x sometimes\n")).hasMessageContaining("line 2");
    }
}
