package dev.etcdguard.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.etcd.Target;
import dev.etcdguard.rules.CertificateSeen;
import dev.etcdguard.rules.CheckResult;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The posture page's HTML, parsed with jsoup, for a scan the real evaluator judged ({@link PostureFixture}). */
class PostureHtmlTest {

    @TempDir
    static Path dir;

    static PostureFixture fixture;
    static Document page;

    @BeforeAll
    static void render() throws IOException {
        fixture = new PostureFixture(dir);
        String html = new PostureHtml().render(fixture.report, new PostureHtml.Header("cp1", "prod", fixture.now),
                fixture.trend(), fixture.now);
        page = Jsoup.parse(html);
    }

    @Test
    void evaluatorRecordsTheCertificatesEachRuleRead() {
        Result peerTls = fixture.peerTls();
        assertThat(peerTls.status()).isEqualTo(Status.FAIL);
        CertificateSeen peer = peerTls.certificates().stream().filter(c -> c.role() == CertificateSeen.Role.PEER)
                .findFirst().orElseThrow();
        assertThat(peer.setting()).isEqualTo("peer-cert-file");
        assertThat(peer.path()).isEqualTo("/etc/kubernetes/pki/etcd/peer.crt"); // as the member names it
        assertThat(peer.subject()).isEqualTo("CN=" + PostureFixture.PEER_CN);
        assertThat(peer.notAfter()).isEqualTo(fixture.peer.certificate().getNotAfter().toInstant());
        assertThat(peerTls.certificates()).extracting(CertificateSeen::role).contains(CertificateSeen.Role.CA)
                .doesNotContain(CertificateSeen.Role.SERVER); // the peer rule does not read the client profile
        assertThat(fixture.report.results()).filteredOn(r -> r.rule().id().equals("etcd-client-tls")
                        && r.target() instanceof Target.Process).flatExtracting(Result::certificates)
                .extracting(CertificateSeen::role).contains(CertificateSeen.Role.SERVER);
    }

    @Test
    void certificatesAreListedOnceEachSoonestFirst() {
        List<CertificateExpiry> certs = fixture.report.certificates();
        assertThat(certs).extracting(e -> e.certificate().notAfter()).isSorted();
        assertThat(certs.get(0).certificate().subject()).isEqualTo("CN=" + PostureFixture.PEER_CN);
        assertThat(certs.get(0).daysLeft(fixture.now)).isEqualTo(5);
        assertThat(certs).extracting(e -> e.certificate().path()).containsExactly("/etc/kubernetes/pki/etcd/peer.crt",
                "/etc/kubernetes/pki/etcd/server.crt", "/etc/kubernetes/pki/etcd/ca.crt");
        CertificateExpiry ca = certs.get(2);
        assertThat(ca.roles()).containsExactly(CertificateSeen.Role.CA);
        assertThat(ca.settings()).containsExactlyInAnyOrder("peer-trusted-ca-file", "trusted-ca-file");
        assertThat(certs).allSatisfy(e -> assertThat(e.targets()).containsExactly(fixture.peerTls().target()));
    }

    @Test
    void daysLeftRoundsDownAndGoesNegativeOnceExpired() {
        Instant notAfter = Instant.parse("2026-01-10T12:00:00Z");
        CertificateExpiry e = new CertificateExpiry(new CertificateSeen(CertificateSeen.Role.PEER, "peer-cert-file",
                "/p.crt", "CN=p", "CN=ca", notAfter.minus(Duration.ofDays(365)), notAfter, "AB"),
                Set.of(CertificateSeen.Role.PEER), List.of("peer-cert-file"), List.of());
        assertThat(e.daysLeft(notAfter.minus(Duration.ofHours(47)))).isEqualTo(1);
        assertThat(e.expired(notAfter.minusSeconds(1))).isFalse();
        assertThat(e.daysLeft(notAfter.plusSeconds(1))).isEqualTo(-1);
        assertThat(e.expired(notAfter)).isTrue();
        assertThat(e.daysLeft(notAfter.plus(Duration.ofHours(49)))).isEqualTo(-3);
    }

    @Test
    void showsTheFailWithItsMessageAndEvidence() {
        Element row = failingPeerTlsRow();
        assertThat(row.selectFirst(".badge").text()).isEqualTo("FAIL");
        assertThat(row.select("ul.problems li").text()).contains("peer-urls-https")
                .contains("listen-peer-urls is http://127.0.0.1:12380");
        Element evidence = row.selectFirst("details.evidence");
        assertThat(evidence.hasAttr("open")).isFalse(); // on demand
        assertThat(evidence.select("ul.items code").eachText())
                .anyMatch(t -> t.startsWith("listen-peer-urls = http://127.0.0.1:12380 [flag --listen-peer-urls="));
        assertThat(evidence.select(".remediation pre").text()).contains("--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt")
                .doesNotContain("```");
        assertThat(page.select("details.passing .remediation")).isEmpty(); // only for FAIL and WARN
    }

    @Test
    void targetsWithFailuresComeFirstAndPassingRulesAreFolded() {
        List<Element> targets = page.select("section.target");
        assertThat(targets).hasSize(2);
        assertThat(targets).allSatisfy(t -> assertThat(t.classNames()).contains("fail"));
        assertThat(targets.get(0).selectFirst("h3 .kind").text()).isEqualTo("process");
        assertThat(targets.get(1).selectFirst("h3 .kind").text()).isEqualTo("manifest");
        for (Element row : page.select("section.target > table.rules tr")) {
            assertThat(row.classNames()).doesNotContain("pass", "na");
        }
        assertThat(page.select("details.passing tr.pass")).isNotEmpty();
    }

    @Test
    void expiringCertificateIsHighlightedAtTheTop() {
        Element first = page.selectFirst("#certificates table.certs tbody tr");
        assertThat(first.classNames()).contains("soon");
        assertThat(first.selectFirst("td.days").text()).isEqualTo("5 days");
        assertThat(first.selectFirst("td.subject").text()).startsWith("CN=" + PostureFixture.PEER_CN);
        assertThat(first.selectFirst("td.users").text()).isEqualTo("pid 4242 /usr/bin/etcd (member m1)");
        assertThat(page.select("#certificates tr.cert.ok")).isNotEmpty(); // the CA and the year-long client certificate
        assertThat(page.select("#certificates tr.cert.expired")).isEmpty();
    }

    @Test
    void expiredCertificatesAreFlaggedAboveTheTargets() {
        Instant now = fixture.now;
        CertificateSeen expired = new CertificateSeen(CertificateSeen.Role.CA, "trusted-ca-file", "/pki/old-ca.crt",
                "CN=old-ca", "CN=old-ca", now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(3)).minusSeconds(5), "AA");
        Result r = new Result(fixture.peerTls().rule(), new Target.Process(7, "/usr/bin/etcd", "m7"), Status.FAIL,
                List.of(), List.of(expired));
        Document doc = Jsoup.parse(new PostureHtml().render(new ScanReport(List.of(r), List.of()),
                new PostureHtml.Header(null, null, now), Trend.empty(), now));
        assertThat(doc.selectFirst("main > p.alert").text())
                .isEqualTo("Certificates need renewal: CN=old-ca (ca) expired 3 days ago — certificates");
        Element row = doc.selectFirst("#certificates tbody tr");
        assertThat(row.classNames()).contains("expired");
        assertThat(row.selectFirst("td.days").text()).isEqualTo("expired 3 days ago");
        assertThat(page.selectFirst("main > p.alert").text()).isEqualTo("Certificates need renewal: CN="
                + PostureFixture.PEER_CN + " (peer) expires in 5 days — certificates");
    }

    @Test
    void manifestContentIsTextNeverMarkup() {
        assertThat(page.select("script")).isEmpty();
        assertThat(page.select("img")).isEmpty();
        assertThat(page.getAllElements()).allSatisfy(e -> e.attributes()
                .forEach(a -> assertThat(a.getKey()).doesNotStartWith("on")));
        assertThat(page.select("section.target").get(1).select("ul.problems .message").text())
                .contains("'cp1" + PostureFixture.INJECTION + "'");
        assertThat(page.select("#notes li").text()).isEqualTo("a note with " + PostureFixture.INJECTION);
        assertThat(page.select("#trend table.changes tr.worse").text()).contains(PostureFixture.INJECTION);
    }

    @Test
    void selfContained() {
        assertThat(page.select("link, script, img, iframe, object, embed, [src]")).isEmpty();
        assertThat(page.select("style").html()).doesNotContain("url(").doesNotContain("@import");
        assertThat(page.select("a[href]")).allSatisfy(a -> assertThat(a.attr("href")).startsWith("#"));
    }

    @Test
    void trendShowsScansAndWhatGotWorse() {
        assertThat(page.select("#trend table.scans tbody tr")).hasSize(3);
        Element worse = page.selectFirst("#trend table.changes tr.worse");
        assertThat(worse.select(".badge").eachText()).containsExactly("PASS", "FAIL");
        assertThat(page.select("#trend table.changes tr.better .badge").eachText()).containsExactly("WARN", "PASS");
    }

    @Test
    void emptyTrendAndNoScanYetRender() {
        Document empty = Jsoup.parse(new PostureHtml().render(fixture.report, new PostureHtml.Header(null, null, null),
                Trend.empty(), fixture.now));
        assertThat(empty.select("#trend .empty").text()).startsWith("No history yet");
        assertThat(empty.select("#trend table")).isEmpty();
        assertThat(empty.select("section.target")).hasSize(2);
        Document none = Jsoup.parse(new PostureHtml().render(null, new PostureHtml.Header("cp1", null, null),
                Trend.empty(), fixture.now));
        assertThat(none.select("main").text()).contains("No scan has completed yet");
        assertThat(none.select("#certificates")).isEmpty();
    }

    @Test
    void privateKeyMaterialNeverLeavesThePage() {
        String pem = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----";
        Result leaky = new Result(fixture.peerTls().rule(), new Target.Process(1, "/usr/bin/etcd", "m9"), Status.FAIL,
                List.of(new CheckResult("c", Status.FAIL, "key " + pem + " and an unterminated -----BEGIN EC PRIVATE KEY-----"
                        + "\nMHcCAQEE", List.of())));
        String html = new PostureHtml().render(new ScanReport(List.of(leaky), List.of()),
                new PostureHtml.Header(null, null, null), Trend.empty(), fixture.now);
        assertThat(html).doesNotContain("PRIVATE KEY").doesNotContain("MIGHAgEAMBMG").doesNotContain("MHcCAQEE")
                .contains("[private key redacted]");
    }

    private static Element failingPeerTlsRow() {
        return page.select("section.target").get(0).select("table.rules tr").stream()
                .filter(tr -> tr.select("code.id").text().equals("etcd-peer-tls")).findFirst().orElseThrow();
    }
}
