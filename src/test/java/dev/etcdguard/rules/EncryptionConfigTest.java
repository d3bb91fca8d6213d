package dev.etcdguard.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.rules.EncryptionConfig.SecretsProvider;
import dev.etcdguard.rules.EncryptionConfig.SecretsProvider.Encrypted;
import dev.etcdguard.rules.EncryptionConfig.SecretsProvider.Identity;
import dev.etcdguard.rules.EncryptionConfig.SecretsProvider.Invalid;
import dev.etcdguard.rules.EncryptionConfig.SecretsProvider.NotCovered;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class EncryptionConfigTest {

    /** 16 bytes ("secret is secure"), valid for aescbc and aesgcm. */
    private static final String AES_KEY = "c2VjcmV0IGlzIHNlY3VyZQ==";
    /** 32 bytes, valid for secretbox (and AES-256). */
    private static final String KEY_32 = "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY=";

    private static final String HEADER = """
            apiVersion: apiserver.config.k8s.io/v1
            kind: EncryptionConfiguration
            """;

    @Test
    void identityFirstIsPlaintext() {
        String yaml = HEADER + """
                resources:
                  - resources:
                      - secrets
                    providers:
                      - identity: {}
                      - aescbc:
                          keys:
                            - name: key1
                              secret: %s
                """.formatted(AES_KEY);

        assertThat(EncryptionConfig.secrets(yaml)).isEqualTo(new Identity(7));
        assertThat(lineOf(yaml, "- identity")).isEqualTo(7);
    }

    @Test
    void aescbcFirstThenIdentityIsEncrypted() {
        String yaml = HEADER + """
                resources:
                  - resources:
                      - secrets
                    providers:
                      - aescbc:
                          keys:
                            - name: key1
                              secret: %s
                      - identity: {}
                """.formatted(KEY_32);

        assertThat(EncryptionConfig.secrets(yaml)).isEqualTo(new Encrypted("aescbc", lineOf(yaml, "- aescbc:")));
    }

    @Test
    void kmsFirst() {
        String yaml = HEADER + """
                resources:
                  - resources: [secrets]
                    providers:
                      - kms:
                          apiVersion: v2
                          name: vault
                          endpoint: unix:///var/run/kms.sock
                          timeout: 3s
                      - identity: {}
                """;

        assertThat(EncryptionConfig.secrets(yaml)).isEqualTo(new Encrypted("kms", lineOf(yaml, "- kms:")));
    }

    @Test
    void secretboxFirst() {
        String yaml = HEADER + """
                resources:
                  - resources: [secrets]
                    providers:
                      - secretbox:
                          keys:
                            - name: key1
                              secret: %s
                """.formatted(KEY_32);

        assertThat(EncryptionConfig.secrets(yaml)).isEqualTo(new Encrypted("secretbox", lineOf(yaml, "- secretbox:")));
    }

    @Test
    void aesgcmFirst() {
        String yaml = HEADER + """
                resources:
                  - resources: [secrets]
                    providers:
                      - aesgcm:
                          keys:
                            - name: key1
                              secret: %s
                """.formatted(AES_KEY);

        assertThat(EncryptionConfig.secrets(yaml)).isEqualTo(new Encrypted("aesgcm", lineOf(yaml, "- aesgcm:")));
    }

    @Test
    void configmapsOnlyLeavesSecretsUncovered() {
        String yaml = HEADER + """
                resources:
                  - resources: [configmaps, '*.apps']
                    providers:
                      - aescbc:
                          keys:
                            - name: key1
                              secret: %s
                """.formatted(KEY_32);

        SecretsProvider result = EncryptionConfig.secrets(yaml);

        assertThat(result).isInstanceOf(NotCovered.class);
        assertThat(((NotCovered) result).reason()).contains("'configmaps'", "'*.apps'", "plaintext");
    }

    @Test
    void wildcardIdentityBeforeSecretsEntryIsRefused() {
        // kube-apiserver: "resource \"secrets\" is masked by earlier rule \"*.*\"" (it does not start).
        String yaml = HEADER + """
                resources:
                  - resources: ['*.*']
                    providers:
                      - identity: {}
                  - resources: [secrets]
                    providers:
                      - aescbc:
                          keys:
                            - name: key1
                              secret: %s
                """.formatted(KEY_32);

        assertThat(invalidReason(yaml)).contains("'secrets'", "masked", "'*.*'");
    }

    @Test
    void coreWildcardBeforeSecretsEntryIsRefused() {
        String yaml = HEADER + """
                resources:
                  - resources: ['*.']
                    providers:
                      - identity: {}
                  - resources: [secrets.]
                    providers:
                      - identity: {}
                """;

        assertThat(invalidReason(yaml)).contains("masked", "'*.'");
    }

    @Test
    void specificEntryBeforeWildcardDecides() {
        // The documented opt-out pattern: the more specific entry comes first.
        String yaml = HEADER + """
                resources:
                  - resources: [secrets]
                    providers:
                      - identity: {}
                  - resources: ['*.*']
                    providers:
                      - aescbc:
                          keys:
                            - name: key1
                              secret: %s
                """.formatted(KEY_32);

        assertThat(EncryptionConfig.secrets(yaml)).isEqualTo(new Identity(lineOf(yaml, "- identity")));
    }

    @Test
    void everySpellingOfSecretsIsCovered() {
        for (String resources : new String[] {"[events, secrets]", "[events, secrets.]", "['*.']", "['*.*']"}) {
            String yaml = HEADER + """
                    resources:
                      - resources: %s
                        providers:
                          - secretbox:
                              keys:
                                - name: key1
                                  secret: %s
                    """.formatted(resources, KEY_32);

            assertThat(EncryptionConfig.secrets(yaml)).as(resources)
                    .isEqualTo(new Encrypted("secretbox", lineOf(yaml, "- secretbox:")));
        }
    }

    @Test
    void coreWildcardAfterAnExemptionCoversSecrets() {
        String yaml = HEADER + """
                resources:
                  - resources: [events, configmaps.]
                    providers:
                      - identity: {}
                  - resources: ['*.']
                    providers:
                      - kms: {apiVersion: v2, name: k, endpoint: 'unix:///k.sock'}
                  - resources: ['*.*']
                    providers:
                      - identity: {}
                """;

        assertThat(EncryptionConfig.secrets(yaml)).isEqualTo(new Encrypted("kms", lineOf(yaml, "- kms:")));
    }

    @Test
    void otherGroupsDoNotCoverSecrets() {
        String yaml = HEADER + """
                resources:
                  - resources: [secrets.core, '*.apps', secrets.v1]
                    providers:
                      - identity: {}
                """;

        assertThat(EncryptionConfig.secrets(yaml)).isInstanceOf(NotCovered.class);
    }

    @Test
    void firstOfTwoSecretsEntriesDecides() {
        String yaml = HEADER + """
                resources:
                  - resources: [secrets]
                    providers:
                      - aesgcm:
                          keys:
                            - name: key1
                              secret: %s
                  - resources: [secrets]
                    providers:
                      - identity: {}
                """.formatted(AES_KEY);

        assertThat(EncryptionConfig.secrets(yaml)).isEqualTo(new Encrypted("aesgcm", lineOf(yaml, "- aesgcm:")));
    }

    @Test
    void legacyKind() {
        String yaml = """
                kind: EncryptionConfig
                apiVersion: v1
                resources:
                  - resources:
                      - secrets
                    providers:
                      - identity: {}
                """;

        assertThat(EncryptionConfig.secrets(yaml)).isEqualTo(new Identity(7));
    }

    @Test
    void wrongKindIsInvalid() {
        String pod = """
                apiVersion: v1
                kind: Pod
                resources:
                  - resources: [secrets]
                    providers:
                      - identity: {}
                """;
        assertThat(invalidReason(pod)).contains("'v1'", "'Pod'", "EncryptionConfiguration");

        String mixed = pod.replace("kind: Pod", "kind: EncryptionConfiguration");
        assertThat(invalidReason(mixed)).contains("'EncryptionConfiguration'", "apiserver.config.k8s.io/v1");

        String missing = pod.replace("apiVersion: v1\nkind: Pod\n", "");
        assertThat(invalidReason(missing)).contains("no apiVersion", "no kind");
    }

    @Test
    void invalidYaml() {
        assertThat(invalidReason(HEADER + "resources: [secrets\n"))
                .isEqualTo("not valid YAML at line 4, column 1: expected ',' or ']', but got <stream end>");
        assertThat(invalidReason(HEADER + "resources:\n  - resources: ['*.*']\n\tproviders: []\n"))
                .startsWith("not valid YAML");
    }

    @Test
    void emptyAndBlankTextAreInvalid() {
        assertThat(invalidReason("")).contains("empty");
        assertThat(invalidReason(null)).contains("empty");
        assertThat(invalidReason("  \n# nothing here\n")).contains("no configuration");
        assertThat(invalidReason("---\n")).contains("no configuration");
    }

    @Test
    void structuralProblemsAreInvalid() {
        assertThat(invalidReason(HEADER)).contains("at least one entry");
        assertThat(invalidReason(HEADER + "resources: []\n")).contains("at least one entry");
        assertThat(invalidReason("- a\n- b\n")).contains("the top level", "must be a mapping");
        assertThat(invalidReason(HEADER + "---\n" + HEADER)).contains("2 YAML documents");
        assertThat(invalidReason(HEADER + "metadata: {name: x}\nresources: []\n")).contains("unknown field 'metadata'");
        assertThat(invalidReason(HEADER + "kind: EncryptionConfiguration\nresources: []\n")).contains("duplicate field 'kind'");
    }

    @Test
    void entryProblemsAreInvalid() {
        assertThat(invalidReason(HEADER + """
                resources:
                  - resources: [secrets]
                    providers: []
                """)).contains("resources[0] (line 4)", "at least one provider");
        assertThat(invalidReason(HEADER + """
                resources:
                  - resources: [secrets]
                """)).contains("at least one provider");
        assertThat(invalidReason(HEADER + """
                resources:
                  - providers:
                      - identity: {}
                """)).contains("at least one resource");
        assertThat(invalidReason(HEADER + """
                resources:
                  - resources: [Secrets]
                    providers:
                      - identity: {}
                """)).contains("capital letters");
        assertThat(invalidReason(HEADER + """
                resources:
                  - resources: [secrets, '*.']
                    providers:
                      - identity: {}
                """)).contains("overlaps");
        assertThat(invalidReason(HEADER + """
                resources:
                  - resources: [secrets, secrets.]
                    providers:
                      - identity: {}
                """)).contains("listed twice");
    }

    @Test
    void providerProblemsAreInvalid() {
        String template = HEADER + """
                resources:
                  - resources: [secrets]
                    providers:
                      %s
                """;
        // identity with no value is a nil provider in kube-apiserver: none of the expected providers.
        assertThat(invalidReason(template.formatted("- identity:"))).contains("identity", "must be a mapping");
        assertThat(invalidReason(template.formatted("- rot13: {}"))).contains("unknown field 'rot13'");
        assertThat(invalidReason(template.formatted("- {identity: {}, aescbc: {keys: []}}")))
                .contains("more than one provider");
        assertThat(invalidReason(template.formatted("- {}"))).contains("names no provider");
        assertThat(invalidReason(template.formatted("- identity")))
                .contains("providers[0]", "must be a mapping");
        assertThat(invalidReason(template.formatted("- aescbc: {keys: []}"))).contains("at least one key");
        assertThat(invalidReason(template.formatted("- secretbox: {keys: [{name: k, secret: " + AES_KEY + "}]}")))
                .contains("key 'k'", "16 bytes", "expected 32");
        assertThat(invalidReason(template.formatted("- kms: {name: k, endpoint: 'tcp://x:1'}")))
                .contains("unix socket");
        assertThat(invalidReason(template.formatted("- identity: {encrypt: true}"))).contains("unknown field");
    }

    @Test
    void secretNeverInReason() {
        String secret = "bm90IGEgcmVhbCBrZXksIGp1c3QgYSB0ZXN0IHZhbHVl"; // valid base64, 33 bytes: wrong length
        String unpadded = "c2VjcmV0dmFsdWUxMjM0NTY3ODkwYWJjZGVmZ2hpams"; // not padded: not StdEncoding base64
        String[] broken = {
            // wrong length
            keyed("- name: key1", "secret: " + secret),
            // not valid base64
            keyed("- name: key1", "secret: " + unpadded),
            // the secret used as a field name
            keyed("- name: key1", unpadded + ": x"),
            // the secret where a key entry should be
            keyed("- " + unpadded),
            // invalid YAML on the secret's line
            keyed("- name: key1", "secret: " + secret + ": x: y"),
            keyed("- name: key1", "secret: \"" + secret + "\\q\""),
            keyed("- name: key1", "secret: '" + secret),
            // the secret in an unknown place
            HEADER + "resources: []\nsecret: " + secret + "\n",
            // masked rule after a valid key
            HEADER + """
                    resources:
                      - resources: ['*.*']
                        providers: [{aescbc: {keys: [{name: k, secret: %s}]}}]
                      - resources: [secrets]
                        providers: [{identity: {}}]
                    """.formatted(KEY_32),
        };
        for (String yaml : broken) {
            String reason = invalidReason(yaml);
            assertThat(reason).as(yaml).doesNotContain(secret.substring(0, 12)).doesNotContain(unpadded.substring(0, 12))
                    .doesNotContain(KEY_32.substring(0, 12));
        }
        String valid = HEADER + """
                resources:
                  - resources: [configmaps]
                    providers: [{aescbc: {keys: [{name: k, secret: %s}]}}]
                """.formatted(KEY_32);
        assertThat(EncryptionConfig.secrets(valid).toString()).doesNotContain(KEY_32.substring(0, 12));
    }

    @Test
    @Timeout(10)
    void aliasBombIsInvalid() {
        StringBuilder yaml = new StringBuilder(HEADER).append("a0: &a0 [secrets, secrets]\n");
        for (int i = 1; i < 25; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a")
                    .append(i - 1).append("]\n");
        }
        yaml.append("resources: *a24\n");

        assertThat(invalidReason(yaml.toString())).contains("alias");
    }

    @Test
    @Timeout(10)
    void deepNestingIsInvalid() {
        String yaml = HEADER + "resources: " + "[".repeat(200_000) + "]".repeat(200_000) + "\n";

        assertThat(EncryptionConfig.secrets(yaml)).isInstanceOf(Invalid.class);
    }

    /** A config whose aescbc provider has one key item: its first line, then lines aligned under it. */
    private static String keyed(String first, String... more) {
        StringBuilder item = new StringBuilder(first);
        for (String line : more) {
            item.append("\n").append(" ".repeat(14)).append(line);
        }
        return HEADER + """
                resources:
                  - resources: [secrets]
                    providers:
                      - aescbc:
                          keys:
                            %s
                """.formatted(item);
    }

    private static String invalidReason(String yaml) {
        SecretsProvider result = EncryptionConfig.secrets(yaml);
        assertThat(result).as(yaml == null ? "null" : yaml).isInstanceOf(Invalid.class);
        return ((Invalid) result).reason();
    }

    private static int lineOf(String text, String needle) {
        int at = text.indexOf(needle);
        assertThat(at).as(needle).isNotNegative();
        return (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
    }
}
