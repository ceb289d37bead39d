package io.colony.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.colony.protocol.DecodedRecord;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.WorkflowView;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** {@code GET /ids/{prefix}?kind=K}: one id, none, or several (ambiguous), and bad input; error bodies in user terms. */
class IdPrefixRouteTest {

    private static final String A = "0b887e7b" + "1".repeat(56);
    private static final String B = "0b887e7c" + "2".repeat(56);

    private final ApiRoutes routes = new ApiRoutes(new Stub(List.of(A, B)), new ObjectMapper());

    private Reply get(String uri) {
        return routes.handle("GET", uri, new byte[0]).join();
    }

    private ApiError error(String uri) {
        return error("GET", uri, new byte[0]);
    }

    private ApiError error(String method, String uri, byte[] body) {
        CompletionException e = assertThrows(CompletionException.class, () -> routes.handle(method, uri, body).join());
        return (ApiError) e.getCause();
    }

    @Test
    void aUniquePrefixResolvesToTheFullId() {
        Reply r = get("/api/v1/ids/0b887e7b?kind=process");
        assertEquals(200, r.status());
        assertEquals(Map.of("kind", "process", "id", A), r.body());
        assertEquals(Map.of("kind", "process", "id", B), get("/api/v1/ids/0B887E7C2?kind=process").body());
    }

    @Test
    void anAmbiguousPrefixIsAConflictNamingTheCandidates() {
        ApiError e = error("/api/v1/ids/0b887e?kind=process");
        assertEquals(409, e.status());
        assertTrue(e.getMessage().contains("ambiguous") && e.getMessage().contains("2 processes")
                && e.getMessage().contains(A.substring(0, 16)) && e.getMessage().contains(B.substring(0, 16)), e.getMessage());
    }

    @Test
    void noMatchTooShortOrUnknownKindAreClearErrors() {
        assertEquals(404, error("/api/v1/ids/ffffff?kind=workflow").status());
        ApiError shortPrefix = error("/api/v1/ids/0b88?kind=process");
        assertEquals(400, shortPrefix.status());
        assertTrue(shortPrefix.getMessage().contains("6 to 64 hex"), shortPrefix.getMessage());
        assertEquals(400, error("/api/v1/ids/zzzzzzzz?kind=process").status());
        assertEquals(400, error("/api/v1/ids/0b887e7b?kind=planet").status());
    }

    @Test
    void anUnknownFieldInARecordBodyNamesTheFieldNotAJavaClass() {
        byte[] body = "{\"body\": \"AA==\", \"signer\": \"00\", \"signature\": \"00\", \"extra\": 1}"
                .getBytes(StandardCharsets.UTF_8);
        ApiError e = error("POST", "/api/v1/processes", body);
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("unknown field 'extra'"), e.getMessage());
        assertTrue(!e.getMessage().contains("class ") && !e.getMessage().contains("ignorable"), e.getMessage());
    }

    /** A service whose only process ids are {@code ids}. */
    private record Stub(List<String> ids) implements ColonyService {
        @Override
        public CompletableFuture<List<String>> idsWithPrefix(String kind, String prefix, int max) {
            return CompletableFuture.completedFuture(kind.equals("process")
                    ? ids.stream().filter(i -> i.startsWith(prefix)).limit(max).toList() : List.of());
        }

        @Override
        public CompletableFuture<Map<String, Object>> info() {
            return CompletableFuture.completedFuture(Map.of());
        }

        @Override
        public CompletableFuture<ProcessView> apply(DecodedRecord record) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Optional<ProcessView>> process(byte[] id) {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public CompletableFuture<List<ProcessView>> list(ProcessState state, int limit) {
            return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public CompletableFuture<Optional<ProcessLogs>> logs(byte[] id) {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public CompletableFuture<Optional<WorkflowView>> workflow(byte[] id) {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public CompletableFuture<Optional<AutoCloseable>> subscribe(byte[] id, Consumer<List<StateEvent>> listener) {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public CompletableFuture<Optional<Assignment>> assign(String executorType, String executorName, String executorId,
                                                              Duration timeout, io.colony.node.ledger.Resources offer) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
    }
}
