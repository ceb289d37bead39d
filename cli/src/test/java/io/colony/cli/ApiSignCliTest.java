package io.colony.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code colony api sign}: the headers it prints make curl-style requests the node accepts. */
class ApiSignCliTest extends DevNodeCliTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpRequest.Builder withHeaders(HttpRequest.Builder b, String printed) {
        String[] words = printed.strip().split(" ");
        assertEquals(8, words.length, printed);
        for (int i = 0; i < words.length; i += 2) {
            assertEquals("-H", words[i]);
            String[] kv = words[i + 1].split(":", 2);
            b.header(kv[0], kv[1]);
        }
        return b;
    }

    @Test
    void signedGetIsServedAndTheSameHeadersTwiceAreAReplay() throws Exception {
        String path = "/api/v1/processes?limit=5";
        Result r = colony("api", "sign", "GET", path, "--key", dev.user().privateKeyHex());
        assertEquals(0, r.status(), r.err());
        URI uri = URI.create("http://127.0.0.1:" + node.apiPort() + path);
        HttpResponse<String> ok = HTTP.send(withHeaders(HttpRequest.newBuilder(uri), r.out()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode(), ok.body());
        HttpResponse<String> again = HTTP.send(withHeaders(HttpRequest.newBuilder(uri), r.out()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, again.statusCode(), again.body());
        assertEquals(401, HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void aBodyFromAFileIsCoveredAndAFullUrlIsTaken() throws Exception {
        Path body = Files.createTempFile(dir, "assign", ".json");
        byte[] bytes = ("{\"executortype\":\"nobody-" + System.nanoTime() + "\",\"executorname\":\"x\",\"executorid\":\""
                + dev.owner().memberId() + "\",\"timeout\":0}").getBytes();
        Files.write(body, bytes);
        String url = "http://127.0.0.1:" + node.apiPort() + "/api/v1/executors/assign";
        Result r = colony("api", "sign", "post", url, "--body", body.toString(), "--key", dev.owner().privateKeyHex());
        assertEquals(0, r.status(), r.err());
        HttpResponse<String> resp = HTTP.send(withHeaders(HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)), r.out()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, resp.statusCode(), resp.body());
    }

    @Test
    void badInputIsOneLine() {
        Result r = colony("api", "sign", "GET", "api/v1/node", "--key", dev.user().privateKeyHex());
        assertEquals(1, r.status());
        oneErrorLine(r);
        assertTrue(r.err().contains("PATH must start with /"), r.err());
    }
}
