package dev.etcdguard.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** etcd's v3 HTTP gateway (JSON over plain HTTP) on a member's 127.0.0.1 client URL, for tests. */
public final class EtcdGateway {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A member as {@code /v3/cluster/member/list} shows it; {@code id} in hexadecimal, as etcdctl prints it. */
    public record Member(String id, String name, List<String> peerUrls, boolean learner) {}

    private final String clientUrl;

    public EtcdGateway(String clientUrl) {
        if (!URI.create(clientUrl).getHost().equals("127.0.0.1")) {
            throw new IllegalArgumentException("loopback only: " + clientUrl);
        }
        this.clientUrl = clientUrl;
    }

    public JsonNode post(String path, String body) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(clientUrl + path)).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                throw new IOException(path + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        }
    }

    /** {@code member add}: the new member's id (hexadecimal). */
    public String addMember(String peerUrl, boolean learner) throws IOException, InterruptedException {
        JsonNode answer = post("/v3/cluster/member/add", "{\"peerURLs\":[\"" + peerUrl + "\"]"
                + (learner ? ",\"isLearner\":true" : "") + "}");
        return hex(answer.path("member").path("ID").asString());
    }

    public List<Member> members() throws IOException, InterruptedException {
        List<Member> out = new ArrayList<>();
        for (JsonNode m : post("/v3/cluster/member/list", "{}").path("members")) {
            List<String> urls = new ArrayList<>();
            m.path("peerURLs").forEach(u -> urls.add(u.asString()));
            out.add(new Member(hex(m.path("ID").asString()), m.path("name").asString(""), urls,
                    m.path("isLearner").asBoolean(false)));
        }
        return out;
    }

    public void put(String key, byte[] value) throws IOException, InterruptedException {
        Base64.Encoder b64 = Base64.getEncoder();
        post("/v3/kv/put", "{\"key\":\"" + b64.encodeToString(key.getBytes(StandardCharsets.UTF_8)) + "\",\"value\":\""
                + b64.encodeToString(value) + "\"}");
    }

    /** The gateway prints uint64 ids in decimal; etcd's backend keys and etcdctl use hexadecimal. */
    private static String hex(String decimal) {
        return Long.toUnsignedString(Long.parseUnsignedLong(decimal), 16);
    }
}
