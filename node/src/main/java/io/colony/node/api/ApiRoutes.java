package io.colony.node.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.colony.node.metrics.NodeMetrics;
import io.colony.protocol.DecodedRecord;
import io.colony.protocol.Hex;
import io.colony.protocol.Ids;
import io.colony.protocol.InvalidInputException;
import io.colony.protocol.InvalidRecordException;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.RecordKind;
import io.colony.protocol.Records;
import io.colony.protocol.TriggerView;
import io.colony.protocol.WireRecord;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * The routes of the HTTP API, independent of the HTTP server: method + URI + body in, {@link Reply}
 * out. Signatures are verified here (on the caller's thread) before anything reaches the node.
 *
 * <pre>
 * GET  /api/v1/health
 * GET  /api/v1/node
 * GET  /api/v1/status                         peers, ledger size, leases held, executor load, memory
 * GET  /metrics  (also /api/v1/metrics)       Prometheus text format
 * POST /api/v1/processes                      signed Submit            201 process
 * GET  /api/v1/processes?state=S&amp;limit=N&amp;executortype=T&amp;label=L
 * GET  /api/v1/processes/{id}
 * GET  /api/v1/processes/{id}/logs
 * GET  /api/v1/processes/{id}/events?timeout=S    server-sent events: state changes until final
 * POST /api/v1/workflows                      signed SubmitWorkflow     201 workflow
 * GET  /api/v1/workflows/{id}
 * GET  /api/v1/workflows/{id}/events?timeout=S    server-sent events of every process of the workflow
 * POST /api/v1/processes/{id}/logs            signed LogAppend
 * POST /api/v1/processes/{id}/{claim|renew|close|fail|cancel}   signed record of that kind
 * POST /api/v1/executors/assign               {executortype, executorname, executorid, timeout, cpu, memory, gpu}
 * GET  /api/v1/executors                      every executor known colony-wide
 * POST /api/v1/members                        signed Admit or Revoke (by the owner)
 * GET  /api/v1/members                        the owner and every admitted key: name, role, admitted, revoked, expires
 * GET  /api/v1/workflows?state=S&amp;limit=N     workflows, newest first
 * GET  /api/v1/ids/{prefix}?kind=K            the one full id of kind K (process, workflow, cron, generator, member)
 * POST /api/v1/crons                          signed CronAdd                 201 cron
 * GET  /api/v1/crons
 * GET  /api/v1/crons/{id}
 * POST /api/v1/crons/{id}/remove              signed TriggerRemove (creator or owner)
 * POST /api/v1/generators                     signed GeneratorAdd            201 generator
 * GET  /api/v1/generators
 * GET  /api/v1/generators/{id}
 * POST /api/v1/generators/{id}/pack           signed GeneratorPack           200 generator
 * POST /api/v1/generators/{id}/remove         signed TriggerRemove (creator or owner)
 * </pre>
 */
public final class ApiRoutes {

    /** Path of the Prometheus metrics (also under {@link #PREFIX}). */
    public static final String METRICS_PATH = "/metrics";

    /** Prefix of every route. */
    public static final String PREFIX = "/api/v1";

    private static final Map<String, RecordKind> PROCESS_ACTIONS = Map.of(
            "claim", RecordKind.CLAIM, "renew", RecordKind.RENEW, "close", RecordKind.CLOSE,
            "fail", RecordKind.FAIL, "cancel", RecordKind.CANCEL, "logs", RecordKind.LOG);

    private final ColonyService service;
    private final ObjectMapper json;
    private final Semaphore assignSlots = new Semaphore(ApiLimits.MAX_PENDING_ASSIGNS);

    /** @param service the node behind the API */
    public ApiRoutes(ColonyService service, ObjectMapper json) {
        this.service = service;
        this.json = json;
    }

    /** Serves one request; the future never completes exceptionally with anything but {@link ApiError}. */
    public CompletableFuture<Reply> handle(String method, String uri, byte[] body) {
        try {
            return route(method.toUpperCase(Locale.ROOT), uri, body);
        } catch (ApiError e) {
            return CompletableFuture.failedFuture(e);
        } catch (InvalidRecordException e) {
            return CompletableFuture.failedFuture(recordError(e));
        } catch (InvalidInputException e) {
            return CompletableFuture.failedFuture(ApiError.badRequest(e.field(), e.getMessage()));
        }
    }

    private CompletableFuture<Reply> route(String method, String uri, byte[] body) {
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        Map<String, String> query = q < 0 ? Map.of() : parseQuery(uri.substring(q + 1));
        if (path.equals(METRICS_PATH) || path.equals(PREFIX + METRICS_PATH)) {
            expect(method, "GET");
            return service.metrics().thenApply(m -> Reply.text(NodeMetrics.CONTENT_TYPE, m));
        }
        if (!path.startsWith(PREFIX + "/")) {
            throw ApiError.notFound("no such route: " + path);
        }
        List<String> seg = Arrays.stream(path.substring(PREFIX.length() + 1).split("/"))
                .filter(s -> !s.isEmpty()).toList();
        String first = seg.isEmpty() ? "" : seg.get(0);
        switch (first + "/" + seg.size()) {
            case "health/1":
                expect(method, "GET");
                return done(Reply.ok(Map.of("status", "ok")));
            case "node/1":
                expect(method, "GET");
                return service.info().thenApply(Reply::ok);
            case "status/1":
                expect(method, "GET");
                return service.status().thenApply(Reply::ok);
            case "processes/1":
                if (method.equals("POST")) {
                    return applyRecord(body, RecordKind.SUBMIT, null).thenApply(v -> new Reply(201, v));
                }
                expect(method, "GET");
                return service.list(state(query.get("state")), nonEmpty(query.get("executortype")),
                        nonEmpty(query.get("label")), limit(query.get("limit"))).thenApply(Reply::ok);
            case "processes/2": {
                expect(method, "GET");
                byte[] id = processId(seg.get(1));
                return service.process(id).thenApply(p -> Reply.ok(p.orElseThrow(() -> unknown(seg.get(1)))));
            }
            case "processes/3": {
                byte[] id = processId(seg.get(1));
                String action = seg.get(2);
                RecordKind kind = PROCESS_ACTIONS.get(action);
                if (kind == null && !action.equals("events")) {
                    throw ApiError.notFound("no such route: " + path);
                }
                if (action.equals("events")) {
                    expect(method, "GET");
                    return events(id, query.get("timeout"));
                }
                if (action.equals("logs") && method.equals("GET")) {
                    return service.logs(id).thenApply(l -> Reply.ok(l.orElseThrow(() -> unknown(seg.get(1)))));
                }
                expect(method, "POST");
                return applyRecord(body, kind, id).thenApply(Reply::ok);
            }
            case "workflows/1":
                if (method.equals("GET")) {
                    return service.workflows(state(query.get("state")), limit(query.get("limit"))).thenApply(Reply::ok);
                }
                expect(method, "POST");
                return applyRecord(body, RecordKind.SUBMIT_WORKFLOW, null)
                        .thenCompose(v -> service.workflow(((ProcessView) v).workflowId() == null ? new byte[0]
                                : Ids.parseProcessId(((ProcessView) v).workflowId())))
                        .thenApply(w -> new Reply(201, w.orElseThrow(() -> ApiError.notFound("workflow not found"))));
            case "workflows/2": {
                expect(method, "GET");
                byte[] id = workflowId(seg.get(1));
                return service.workflow(id).thenApply(w -> Reply.ok(w.orElseThrow(
                        () -> ApiError.notFound("no workflow " + Hex.encode(id)))));
            }
            case "workflows/3": {
                byte[] id = workflowId(seg.get(1));
                if (!seg.get(2).equals("events")) {
                    throw ApiError.notFound("no such route: " + path);
                }
                expect(method, "GET");
                return events(id, query.get("timeout"));
            }
            case "executors/1":
                expect(method, "GET");
                return service.executors().thenApply(Reply::ok);
            case "executors/2":
                if (!seg.get(1).equals("assign")) {
                    throw ApiError.notFound("no such route: " + path);
                }
                expect(method, "POST");
                return assign(body);
            case "members/1":
                if (method.equals("GET")) {
                    return service.members().thenApply(Reply::ok);
                }
                expect(method, "POST");
                return applyRecord(body, null, null).thenApply(v -> Reply.ok(Map.of("accepted", true)));
            case "ids/2":
                expect(method, "GET");
                return resolveId(query.get("kind"), seg.get(1));
            case "crons/1", "crons/2", "crons/3", "generators/1", "generators/2", "generators/3":
                return triggerRoute(first.equals("crons") ? "cron" : "generator", method, seg, body, path);
            default:
                throw ApiError.notFound("no such route: " + path);
        }
    }

    /** Kinds of ids {@code GET /ids/{prefix}?kind=K} resolves. */
    private static final List<String> ID_KINDS = List.of("process", "workflow", "cron", "generator", "member");
    /** Shortest id prefix resolved. */
    public static final int MIN_ID_PREFIX = 6;

    /**
     * {@code GET /ids/{prefix}?kind=K}: the one full id of that kind starting with {@code prefix}
     * ({@value #MIN_ID_PREFIX}..64 hex); 404 if none, 409 naming a few if several.
     */
    private CompletableFuture<Reply> resolveId(String kind, String prefixText) {
        if (kind == null || !ID_KINDS.contains(kind)) {
            throw ApiError.badRequest("kind", "kind must be one of " + String.join(", ", ID_KINDS));
        }
        String prefix = prefixText.toLowerCase(Locale.ROOT);
        if (prefix.length() < MIN_ID_PREFIX || prefix.length() > 64 || !prefix.matches("[0-9a-f]+")) {
            throw ApiError.badRequest("id", "an id prefix is " + MIN_ID_PREFIX + " to 64 hex characters");
        }
        return service.idsWithPrefix(kind, prefix, 6).thenApply(ids -> {
            if (ids.isEmpty()) {
                throw ApiError.notFound("no " + kind + " id starts with " + prefix);
            }
            if (ids.size() > 1) {
                throw ApiError.conflict("id prefix " + prefix + " is ambiguous: " + (ids.size() > 5 ? "more than 5 " : ids.size() + " ")
                        + (kind.equals("process") ? "processes" : kind + "s") + " start with it (" + String.join(", ", ids.subList(0, Math.min(5, ids.size())).stream()
                        .map(i -> i.substring(0, Math.min(16, i.length()))).toList()) + ", ...); give more characters");
            }
            return Reply.ok(Map.of("kind", kind, "id", ids.get(0)));
        });
    }

    private static String nonEmpty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** Routes under /crons and /generators; {@code kind} is "cron" or "generator". */
    private CompletableFuture<Reply> triggerRoute(String kind, String method, List<String> seg, byte[] body,
            String path) {
        if (seg.size() == 1) {
            if (method.equals("GET")) {
                return service.triggers().thenApply(all -> Reply.ok(all.stream().filter(t -> t.kind().equals(kind))
                        .toList()));
            }
            expect(method, "POST");
            DecodedRecord r = signedOf(body, kind.equals("cron") ? RecordKind.CRON_ADD : RecordKind.GENERATOR_ADD);
            return service.apply(r).thenCompose(v -> existing(kind, r.id())).thenApply(t -> new Reply(201, t));
        }
        byte[] id = triggerId(seg.get(1));
        if (seg.size() == 2) {
            expect(method, "GET");
            return existing(kind, id).thenApply(Reply::ok);
        }
        String action = seg.get(2);
        if (!action.equals("remove") && !(action.equals("pack") && kind.equals("generator"))) {
            throw ApiError.notFound("no such route: " + path);
        }
        expect(method, "POST");
        DecodedRecord r = signedOf(body, action.equals("pack") ? RecordKind.GENERATOR_PACK : RecordKind.TRIGGER_REMOVE);
        byte[] target = action.equals("pack") ? r.record().getPack().getGenerator().toByteArray()
                : r.record().getRemove().getTarget().toByteArray();
        if (!Arrays.equals(target, id)) {
            throw ApiError.badRequest("body", "the record names another " + kind + " than the URL");
        }
        return existing(kind, id).thenCompose(t -> {
            if (t.removed() != null) {
                throw ApiError.conflict(kind + " " + t.id() + " was removed");
            }
            if (action.equals("remove") && !t.owner().equals(r.signerId()) && !isOwnerKey(r)) {
                throw ApiError.forbidden("only the creator of " + kind + " " + t.id() + " or the colony owner may"
                        + " remove it");
            }
            return service.apply(r);
        }).thenCompose(v -> existing(kind, id)).thenApply(Reply::ok);
    }

    private static boolean isOwnerKey(DecodedRecord r) {
        return Arrays.equals(r.signer(), r.colony());
    }

    private CompletableFuture<TriggerView> existing(String kind, byte[] id) {
        return service.trigger(id).thenApply(t -> t.filter(v -> v.kind().equals(kind))
                .orElseThrow(() -> ApiError.notFound("no " + kind + " " + Hex.encode(id))));
    }

    /** The verified record in a request body, which must be of {@code kind} (null: Admit or Revoke). */
    private DecodedRecord signedOf(byte[] body, RecordKind kind) {
        DecodedRecord record = Records.open(read(body, WireRecord.class).toSigned());
        if (kind == null ? !record.kind().isMembership() : record.kind() != kind) {
            throw ApiError.badRequest("body", "this route takes a " + (kind == null ? "admit or revoke"
                    : kind.name().toLowerCase(Locale.ROOT)) + " record, not " + record.kind().name().toLowerCase(Locale.ROOT));
        }
        return record;
    }

    private static byte[] triggerId(String text) {
        try {
            return Ids.parseProcessId(text);
        } catch (InvalidInputException e) {
            throw ApiError.badRequest("id", "a cron or generator id is 64 hex characters");
        }
    }

    private CompletableFuture<Object> applyRecord(byte[] body, RecordKind kind, byte[] processId) {
        DecodedRecord record = signedOf(body, kind);
        if (processId != null && !Arrays.equals(processId, record.processId())) {
            throw ApiError.badRequest("body", "the record names another process than the URL");
        }
        return service.apply(record).thenApply(v -> v == null ? Map.of("accepted", true) : v);
    }

    /** A server-sent event stream of the state changes of a process or of a workflow's processes. */
    private CompletableFuture<Reply> events(byte[] id, String timeoutText) {
        long seconds = ApiLimits.MAX_EVENT_STREAM.toSeconds();
        if (timeoutText != null && !timeoutText.isEmpty()) {
            try {
                seconds = Long.parseLong(timeoutText);
            } catch (NumberFormatException e) {
                seconds = -1;
            }
            if (seconds < 1 || seconds > ApiLimits.MAX_EVENT_STREAM.toSeconds()) {
                throw ApiError.badRequest("timeout", "timeout must be an integer number of seconds in 1.."
                        + ApiLimits.MAX_EVENT_STREAM.toSeconds());
            }
        }
        EventStream stream = new EventStream(seconds * 1000);
        return service.subscribe(id, new StateWatch(stream, json)).thenApply(sub -> {
            stream.closeWith(sub.orElseThrow(() -> ApiError.notFound("no process or workflow " + Hex.encode(id))));
            return Reply.ok(stream);
        });
    }

    private static byte[] workflowId(String text) {
        try {
            return Ids.parseProcessId(text);
        } catch (InvalidInputException e) {
            throw ApiError.badRequest("id", "workflow id must be 64 hex characters");
        }
    }

    private CompletableFuture<Reply> assign(byte[] body) {
        JsonNode req = readTree(body);
        String type = text(req, "executortype", true);
        String name = text(req, "executorname", true);
        String member = text(req, "executorid", true);
        Ids.parseMemberId(member);
        long timeoutMs = 0;
        JsonNode t = req.get("timeout");
        if (t != null && !t.isNull()) {
            if (!t.isNumber() || t.asDouble() < 0) {
                throw ApiError.badRequest("timeout", "timeout must be a number of seconds >= 0");
            }
            timeoutMs = (long) (t.asDouble() * 1000);
        }
        Duration timeout = Duration.ofMillis(Math.min(timeoutMs, ApiLimits.MAX_ASSIGN_TIMEOUT.toMillis()));
        io.colony.node.ledger.Resources offer = ExecutorOffer.of(req);
        if (!assignSlots.tryAcquire()) {
            throw ApiError.unavailable("too many executors waiting, retry later");
        }
        try {
            return service.assign(type, name, member, timeout, offer)
                    .whenComplete((a, e) -> assignSlots.release())
                    .thenApply(a -> a.<Reply>map(Reply::ok).orElse(new Reply(204, null)));
        } catch (RuntimeException e) {
            assignSlots.release();
            throw e;
        }
    }

    private static ApiError recordError(InvalidRecordException e) {
        if (e.rule().contains("signature")) {
            return ApiError.unauthorized(e.getMessage());
        }
        return ApiError.badRequest("body", e.getMessage());
    }

    private <T> T read(byte[] body, Class<T> type) {
        JsonNode tree = readTree(body);
        try {
            return json.treeToValue(tree, type);
        } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
            throw ApiError.badRequest(e.getPropertyName(), "unknown field '" + e.getPropertyName() + "' in the body"
                    + (type == WireRecord.class ? " (a signed record has the fields body, signer and signature)" : ""));
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? "body" : e.getPath().get(e.getPath().size() - 1).getFieldName();
            throw ApiError.badRequest(field == null ? "body" : field, "field '" + field + "' of the body has the wrong type");
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("body", "the body is not a valid " + (type == WireRecord.class ? "signed record"
                    : "request") + ": " + e.getOriginalMessage().lines().findFirst().orElse("").replaceAll("\\(class [^)]*\\)", "")
                    .replaceAll(" at \\[Source.*$", ""));
        }
    }

    private JsonNode readTree(byte[] body) {
        if (body == null || body.length == 0) {
            throw ApiError.badRequest("body", "a JSON object is required");
        }
        JsonNode tree;
        try {
            tree = json.readTree(body);
        } catch (IOException e) {
            throw ApiError.badRequest("body", "malformed JSON");
        }
        if (tree == null || !tree.isObject()) {
            throw ApiError.badRequest("body", "a JSON object is required");
        }
        return tree;
    }

    private static String text(JsonNode obj, String field, boolean required) {
        JsonNode v = obj.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw ApiError.badRequest(field, field + " is required");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw ApiError.badRequest(field, field + " must be a non-empty string");
        }
        if (v.asText().length() > ApiLimits.MAX_NAME_CHARS) {
            throw ApiError.badRequest(field, field + " is longer than " + ApiLimits.MAX_NAME_CHARS + " characters");
        }
        return v.asText();
    }

    private static ProcessState state(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            return ProcessState.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("state", "state must be one of WAITING, RUNNING, SUCCESS, FAILED");
        }
    }

    private static int limit(String s) {
        if (s == null || s.isEmpty()) {
            return ApiLimits.DEFAULT_LIST_LIMIT;
        }
        int n;
        try {
            n = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > ApiLimits.MAX_LIST_LIMIT) {
            throw ApiError.badRequest("limit", "limit must be an integer in 1.." + ApiLimits.MAX_LIST_LIMIT);
        }
        return n;
    }

    private static byte[] processId(String text) {
        try {
            return Ids.parseProcessId(text);
        } catch (InvalidInputException e) {
            throw ApiError.badRequest("id", "process id must be 64 hex characters");
        }
    }

    private static ApiError unknown(String id) {
        return ApiError.notFound("no process " + Hex.encode(Ids.parseProcessId(id)));
    }

    private static void expect(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw new ApiError(405, "method " + method + " not allowed here, use " + allowed, null);
        }
    }

    private static Map<String, String> parseQuery(String q) {
        Map<String, String> out = new HashMap<>();
        for (String pair : q.split("&")) {
            if (pair.isEmpty() || out.size() >= 16) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest(k, "malformed query string");
            }
        }
        return out;
    }

    private static CompletableFuture<Reply> done(Reply r) {
        return CompletableFuture.completedFuture(r);
    }
}
