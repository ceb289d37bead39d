package io.colony.sdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Hex;
import io.colony.protocol.Identity;
import io.colony.protocol.Ids;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.RequestSignature;
import io.colony.protocol.SpecCodec;
import io.colony.protocol.WireRecord;
import io.colony.protocol.pb.Record;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import io.colony.protocol.WorkflowView;
import io.colony.protocol.CronSchedule;
import io.colony.protocol.TriggerView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.net.ConnectException;
import java.net.URI;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Java client of a colony node's HTTP API ({@code /api/v1}). State-changing calls are records signed
 * here with the caller's key; the node verifies them. Thread-safe.
 *
 * <pre>{@code
 * ColonyClient c = ColonyClient.connect("localhost", 50080, Keys.load(System.getenv("COLONY_PRVKEY")));
 * ProcessView p = c.submit(SpecCodec.parse("{\"conditions\":{\"executortype\":\"cli\"},\"funcname\":\"echo\",\"args\":[\"hi\"]}"));
 * p = c.waitFor(p.id(), Duration.ofMinutes(1));
 * }</pre>
 */
public final class ColonyClient {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    /** Longest single event stream the node grants; longer waits reconnect. */
    private static final long MAX_STREAM_SECONDS = 3600;

    /** Most retries of a request the node refused with 429 (too many requests). */
    private static final int MAX_RATE_RETRIES = 5;

    private final URI base;
    private final Identity identity;
    private final HttpTransport http;
    /** The path of {@link #base} (usually empty), before {@code /api/v1}. */
    private final String prefix;
    private final ObjectMapper json;
    private final ClientTls tls;
    private volatile RecordFactory records;

    /**
     * @param base     the node's address, e.g. {@code http://127.0.0.1:50080}
     * @param identity the caller's key, which signs every request; {@code null} allows only {@link #healthy()}
     */
    public ColonyClient(URI base, Identity identity) {
        this(base, identity, base.getScheme() != null && base.getScheme().equalsIgnoreCase("https")
                ? ClientTls.systemTrust() : null);
    }

    /**
     * @param base     the node's address, {@code https://...} when {@code tls} is given
     * @param identity the caller's key, which signs every request
     * @param tls      how to check the node's certificate, or null for plain HTTP
     */
    public ColonyClient(URI base, Identity identity, ClientTls tls) {
        String b = base.toString().replaceAll("/+$", "");
        if (tls != null && b.startsWith("http://")) {
            b = "https://" + b.substring("http://".length());
        }
        this.base = URI.create(b);
        this.identity = identity;
        this.tls = tls;
        this.http = new HttpTransport(this.base, tls);
        this.prefix = this.base.getRawPath() == null ? "" : this.base.getRawPath();
        this.json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    /** A client of the node at {@code host:port} over plain HTTP. */
    public static ColonyClient connect(String host, int port, Identity identity) {
        return new ColonyClient(URI.create("http://" + hostPart(host) + ":" + port), identity, null);
    }

    /** A client of the node at {@code host:port}, over HTTPS checked by {@code tls} (null: plain HTTP). */
    public static ColonyClient connect(String host, int port, Identity identity, ClientTls tls) {
        return new ColonyClient(URI.create((tls == null ? "http://" : "https://") + hostPart(host) + ":" + port),
                identity, tls);
    }

    /**
     * A client configured like the {@code colony} command: {@code COLONY_HOST} (default 127.0.0.1),
     * {@code COLONY_PORT} (50080), {@code COLONY_PRVKEY} (hex or key file), {@code COLONY_TLS}
     * ({@code true}: https) and {@code COLONY_TLS_FINGERPRINT} (pins the node's certificate; implies https).
     *
     * @throws IllegalArgumentException one line for a bad value
     */
    public static ColonyClient fromEnvironment(java.util.Map<String, String> env) {
        String host = env.getOrDefault("COLONY_HOST", "127.0.0.1");
        String portText = env.getOrDefault("COLONY_PORT", "50080");
        int port;
        try {
            port = Integer.parseInt(portText.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("COLONY_PORT must be a port number, not '" + portText + "'");
        }
        String key = env.get("COLONY_PRVKEY");
        Identity id = key == null || key.isBlank() ? null : Keys.load(key);
        return connect(host.isBlank() ? "127.0.0.1" : host.strip(), port, id,
                tls(env.get("COLONY_TLS"), env.get("COLONY_TLS_FINGERPRINT")));
    }

    /**
     * The TLS of a connection from the {@code COLONY_TLS} and {@code COLONY_TLS_FINGERPRINT} values:
     * a fingerprint pins the certificate (and implies TLS); {@code true} alone trusts the system's
     * authorities; else null (plain HTTP).
     */
    public static ClientTls tls(String tlsFlag, String fingerprint) {
        if (fingerprint != null && !fingerprint.isBlank()) {
            return ClientTls.pinned(fingerprint);
        }
        String f = tlsFlag == null ? "" : tlsFlag.strip().toLowerCase(java.util.Locale.ROOT);
        if (f.equals("true") || f.equals("1") || f.equals("yes")) {
            return ClientTls.systemTrust();
        }
        if (!f.isEmpty() && !f.equals("false") && !f.equals("0") && !f.equals("no")) {
            throw new IllegalArgumentException("COLONY_TLS must be true or false, not '" + tlsFlag + "'");
        }
        return null;
    }

    private static String hostPart(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** The node's address. */
    public URI base() {
        return base;
    }

    // ---- reads ----

    /** {@code GET /health}: true if the node answers. */
    public boolean healthy() {
        try {
            return call("GET", "/health", null, Duration.ofSeconds(5)).status() == 200;
        } catch (ColonyException e) {
            return false;
        }
    }

    /** Facts about the node: ids, executors, process counts, peer-to-peer addresses and peers. */
    public NodeInfo nodeInfo() {
        return read(httpGet("/node"), NodeInfo.class);
    }

    /**
     * The node's operating status ({@code GET /api/v1/status}): {@code peers}, {@code knownPeers},
     * {@code isolated}, {@code claimChecksAnswered}, {@code ledgerProcesses}, {@code heldRecords}, {@code processes} per state,
     * {@code executorType}, {@code capacity}, {@code leasesHeld}, {@code running}, {@code heapUsedBytes},
     * {@code heapMaxBytes}, {@code uptimeMs}.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> status() {
        return read(httpGet("/status"), Map.class);
    }

    /**
     * Every executor the node knows of, colony-wide ({@code GET /api/v1/executors}): {@code id}, {@code name},
     * {@code type}, {@code kind} (built-in or external), {@code node}, {@code cpuMillis}, {@code memoryMb},
     * {@code gpus}, {@code capacity} (null if unknown), {@code running}, {@code lastSeenMs}.
     */
    public List<Map<String, Object>> executors() {
        return read(httpGet("/executors"), new TypeReference<List<Map<String, Object>>>() { });
    }

    /** The member peers the node is connected to now. */
    public List<NodeInfo.Peer> peers() {
        return nodeInfo().peers();
    }

    /** A process. */
    public ProcessView get(String processId) {
        return read(httpGet("/processes/" + checkId(processId)), ProcessView.class);
    }

    /** Processes, newest first, optionally only those in {@code state}. */
    public List<ProcessView> list(ProcessState state, int limit) {
        String q = "?limit=" + limit + (state == null ? "" : "&state=" + state.name());
        return read(httpGet("/processes" + q), new TypeReference<List<ProcessView>>() { });
    }

    /** Processes, newest first, optionally only in {@code state}, of {@code executorType}, with {@code label} (null: any). */
    public List<ProcessView> list(ProcessState state, String executorType, String label, int limit) {
        String q = "?limit=" + limit + (state == null ? "" : "&state=" + state.name())
                + (executorType == null ? "" : "&executortype=" + encode(executorType))
                + (label == null ? "" : "&label=" + encode(label));
        return read(httpGet("/processes" + q), new TypeReference<List<ProcessView>>() { });
    }

    /** Workflows, newest first, optionally only those in {@code state}. */
    public List<WorkflowView> workflows(ProcessState state, int limit) {
        String q = "?limit=" + limit + (state == null ? "" : "&state=" + state.name());
        return read(httpGet("/workflows" + q), new TypeReference<List<WorkflowView>>() { });
    }

    /** The colony's members: the owner, then every admitted key with its name, role and times. */
    public List<io.colony.protocol.MemberView> members() {
        return read(httpGet("/members"), new TypeReference<List<io.colony.protocol.MemberView>>() { });
    }

    /**
     * The full id of {@code kind} (process, workflow, cron, generator, member) that {@code id} names: {@code id}
     * itself if it is 64 hex characters, else the one id starting with it (at least 6 hex characters), asked of
     * the node. Throws {@link ColonyException} (404 none, 409 ambiguous) with the node's message.
     */
    public String resolveId(String kind, String id) {
        String t = id == null ? "" : id.strip().toLowerCase(java.util.Locale.ROOT);
        if (t.length() == 64 && t.matches("[0-9a-f]+")) {
            return t;
        }
        if (!t.matches("[0-9a-f]+")) {
            throw new ColonyException.BadRequestException(400, kind + " id must be hex characters, not '" + id + "'", "id");
        }
        if (t.length() > 64) {
            throw new ColonyException.BadRequestException(400, kind + " id '" + id + "' is " + t.length()
                    + " characters long: an id is 64 hex characters (a unique prefix of at least 6 names it too)", "id");
        }
        JsonNode r = read(httpGet("/ids/" + t + "?kind=" + kind), JsonNode.class);
        return r.get("id").asText();
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The log lines of a process. */
    public ProcessLogs logs(String processId) {
        return read(httpGet("/processes/" + checkId(processId) + "/logs"), ProcessLogs.class);
    }

    /** A workflow and its processes. */
    public WorkflowView workflow(String workflowId) {
        return read(httpGet("/workflows/" + checkId(workflowId)), WorkflowView.class);
    }

    /**
     * Waits until the process is SUCCESS or FAILED, told by the node as soon as it learns of it (a
     * server-sent event subscription, no polling); returns the final process.
     *
     * @throws ColonyException with status 0 if {@code timeout} passes first or the node goes away
     */
    public ProcessView waitFor(String processId, Duration timeout) {
        watch(processId, timeout, e -> { });
        return get(processId);
    }

    /**
     * Waits until every process of the workflow is SUCCESS or FAILED (subscription, no polling); returns
     * the final workflow.
     *
     * @throws ColonyException with status 0 if {@code timeout} passes first or the node goes away
     */
    public WorkflowView waitForWorkflow(String workflowId, Duration timeout) {
        watch(workflowId, timeout, e -> { });
        return workflow(workflowId);
    }

    /**
     * Subscribes to the state changes of a process, or of every process of a workflow when {@code id} is
     * a workflow id, on the node this client talks to: {@code listener} hears the current state of each
     * watched process, then every change as soon as the node learns of it, on this thread. Returns when
     * every watched process is SUCCESS or FAILED.
     *
     * @throws ColonyException with status 0 if {@code timeout} passes first or the node goes away
     */
    public void watch(String id, Duration timeout, Consumer<StateEvent> listener) {
        watch(id, timeout, listener, null);
    }

    /**
     * Like {@link #watch(String, Duration, Consumer)}, and runs {@code onLog} (on this thread) whenever the
     * node stored new log lines of a watched process ({@code log} events; read them with {@link #logs}).
     */
    public void watch(String id, Duration timeout, Consumer<StateEvent> listener, Runnable onLog) {
        String path = "/processes/" + checkId(id) + "/events";
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long leftMs = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0) {
                throw new ColonyException(0, "timed out waiting for " + id, null);
            }
            long seconds = Math.min(MAX_STREAM_SECONDS, Math.max(1, (leftMs + 999) / 1000));
            // the node resolves a workflow id on this route too
            String end = stream(path + "?timeout=" + seconds, listener, onLog);
            if ("end".equals(end)) {
                return;
            }
            if (!"timeout".equals(end)) {
                throw new ColonyException(0, "the node at " + base + " closed the subscription", null);
            }
        }
    }

    /** Reads one event stream to its end; returns the last event's name. */
    private String stream(String path, Consumer<StateEvent> listener, Runnable onLog) {
        String target = prefix + "/api/v1" + path;
        Map<String, String> headers = signed("GET", target, null);
        headers.put("Accept", "text/event-stream");
        // the node ends the stream after ?timeout= seconds; a read waits that long at most, and a margin
        Duration readTimeout = REQUEST_TIMEOUT.plusSeconds(streamSeconds(path));
        try (HttpReply resp = send(() -> http.open("GET", target, headers, readTimeout));
             BufferedReader lines = new BufferedReader(new InputStreamReader(resp.stream(), StandardCharsets.UTF_8))) {
            if (resp.status() != 200) {
                expectOk(new HttpReply(resp.status(), resp.headers(), resp.stream().readNBytes(64 * 1024), null));
            }
            return EventStreamReader.read(lines.lines().iterator(), (name, data) -> {
                if (name.equals("log") && onLog != null) {
                    onLog.run();
                }
                if (name.equals("state")) {
                    try {
                        listener.accept(json.readValue(data, StateEvent.class));
                    } catch (JsonProcessingException e) {
                        throw new ColonyException(0, "unexpected event from node: " + e.getOriginalMessage(), null);
                    }
                }
            });
        } catch (UncheckedIOException e) {
            throw new ColonyException(0, "lost the node at " + base + ": " + e.getCause().getMessage(), null);
        } catch (IOException e) {
            throw new ColonyException(0, "lost the node at " + base + ": " + e.getMessage(), null);
        }
    }

    private static long streamSeconds(String path) {
        int i = path.indexOf("timeout=");
        try {
            return i < 0 ? 0 : Long.parseLong(path.substring(i + "timeout=".length()).replaceAll("[^0-9].*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    // ---- signed writes ----

    /** Submits a spec (validated first); returns the new process, WAITING. */
    public ProcessView submit(FunctionSpec spec) {
        SpecCodec.validate(spec);
        return read(post("/processes", WireRecord.of(factory().submit(System.currentTimeMillis(), spec))),
                ProcessView.class);
    }

    /**
     * Submits a workflow (validated first: unique node names, known dependencies, no cycle) as one unit;
     * returns it with its processes, WAITING.
     */
    public WorkflowView submitWorkflow(List<FunctionSpec> specs) {
        specs.forEach(SpecCodec::validate);
        SpecCodec.validateWorkflow(specs);
        return read(post("/workflows", WireRecord.of(factory().workflow(System.currentTimeMillis(), specs))),
                WorkflowView.class);
    }

    /**
     * Cancels a process (submitter or owner only): a WAITING one is never claimed, a RUNNING one is
     * stopped on whichever node runs it. Returns the process, FAILED.
     */
    public ProcessView cancel(String processId, String reason) {
        SignedRecord r = factory().cancel(System.currentTimeMillis(), Ids.parseProcessId(processId), reason);
        return read(post("/processes/" + processId + "/cancel", WireRecord.of(r)), ProcessView.class);
    }

    /** Admits a member (only the colony owner's key may). */
    public void admit(String memberId, Role role, String name) {
        admit(memberId, role, name, 0);
    }

    /** As {@link #admit(String, Role, String)}, the admission ending at {@code expiresMs} (0: never). */
    public void admit(String memberId, Role role, String name, long expiresMs) {
        SignedRecord r = factory().admit(System.currentTimeMillis(), Ids.parseMemberId(memberId), role, name,
                expiresMs);
        post("/members", WireRecord.of(r));
    }

    /**
     * Revokes a member (only the colony owner's key may): its records stamped from now on do not
     * count anywhere in the colony, and its node is disconnected.
     */
    public void revoke(String memberId, String reason) {
        SignedRecord r = factory().revoke(System.currentTimeMillis(), Ids.parseMemberId(memberId),
                reason == null ? "" : reason);
        post("/members", WireRecord.of(r));
    }

    // ---- crons and generators ----

    /**
     * Adds a cron: {@code specs} (one spec: a process; several: a workflow) submitted at every time of
     * the cron expression {@code schedule} (UTC; 6 fields with seconds first, or 5), once per tick
     * colony-wide whichever nodes are up.
     */
    public TriggerView addCron(String name, List<FunctionSpec> specs, String schedule) {
        checkTriggerSpecs(specs);
        CronSchedule.parse(schedule);
        return read(post("/crons", WireRecord.of(factory().cron(System.currentTimeMillis(), name, specs, schedule))),
                TriggerView.class);
    }

    /** Every cron the node knows, removed ones included. */
    public List<TriggerView> crons() {
        return read(httpGet("/crons"), new TypeReference<List<TriggerView>>() { });
    }

    /** A cron. */
    public TriggerView cron(String cronId) {
        return read(httpGet("/crons/" + checkId(cronId)), TriggerView.class);
    }

    /** Removes a cron (its creator or the colony owner): no tick after now is submitted. */
    public TriggerView removeCron(String cronId) {
        return removeTrigger("/crons/", cronId);
    }

    /**
     * Adds a generator: {@code specs} submitted as a workflow (one spec: a process) once {@code
     * trigger} packs wait, or {@code timeout} after the oldest waiting pack (zero: no timeout); the
     * packs' args are appended to the args of every spec without dependencies.
     */
    public TriggerView addGenerator(String name, List<FunctionSpec> specs, int trigger, Duration timeout) {
        checkTriggerSpecs(specs);
        return read(post("/generators", WireRecord.of(factory().generator(System.currentTimeMillis(), name, specs,
                trigger, timeout.toMillis()))), TriggerView.class);
    }

    /** Every generator the node knows, removed ones included. */
    public List<TriggerView> generators() {
        return read(httpGet("/generators"), new TypeReference<List<TriggerView>>() { });
    }

    /** A generator. */
    public TriggerView generator(String generatorId) {
        return read(httpGet("/generators/" + checkId(generatorId)), TriggerView.class);
    }

    /** Packs one arg into a generator; returns the generator afterwards. */
    public TriggerView pack(String generatorId, String arg) {
        byte[] id = Ids.parseProcessId(checkId(generatorId));
        return read(post("/generators/" + generatorId + "/pack", WireRecord.of(factory().pack(
                System.currentTimeMillis(), id, arg))), TriggerView.class);
    }

    /** Removes a generator (its creator or the colony owner). */
    public TriggerView removeGenerator(String generatorId) {
        return removeTrigger("/generators/", generatorId);
    }

    private TriggerView removeTrigger(String prefix, String id) {
        byte[] target = Ids.parseProcessId(checkId(id));
        return read(post(prefix + id + "/remove", WireRecord.of(factory().removeTrigger(System.currentTimeMillis(),
                target))), TriggerView.class);
    }

    private static void checkTriggerSpecs(List<FunctionSpec> specs) {
        specs.forEach(SpecCodec::validate);
        if (specs.size() > 1) {
            SpecCodec.validateWorkflow(specs);
        }
    }

    // ---- external executors ----

    /**
     * Waits up to {@code timeout} for a process this executor may run, and claims it.
     *
     * @return the claimed process, or empty if none came in time
     */
    public Optional<Assigned> assign(String executorType, String executorName, Duration timeout) {
        return assign(executorType, executorName, timeout, null, null, null);
    }

    /**
     * As {@link #assign(String, String, Duration)} for an executor offering resources, written as in a
     * spec's conditions: {@code cpu} ("4", "500m"), {@code memory} ("8Gi"), {@code gpu} ("1"); null offers
     * none. Only processes whose conditions the offer meets are assigned.
     */
    public Optional<Assigned> assign(String executorType, String executorName, Duration timeout, String cpu,
                                     String memory, String gpu) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long leftMs = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
            Map<String, Object> req = new LinkedHashMap<>();
            req.put("executortype", executorType);
            req.put("executorname", executorName);
            req.put("executorid", identity().memberId());
            req.put("timeout", leftMs / 1000.0);
            if (cpu != null) {
                req.put("cpu", cpu);
            }
            if (memory != null) {
                req.put("memory", memory);
            }
            if (gpu != null) {
                req.put("gpu", gpu);
            }
            HttpReply resp = call("POST", "/executors/assign", req,
                    Duration.ofMillis(leftMs).plus(REQUEST_TIMEOUT));
            if (resp.status() == 204) {
                return Optional.empty();
            }
            JsonNode offer = read(expectOk(resp), JsonNode.class);
            byte[] body = Base64.getDecoder().decode(offer.path("claimBody").asText());
            Record claim = parseRecord(body);
            try {
                String id = Hex.encode(claim.getClaim().getProcessId().toByteArray());
                post("/processes/" + id + "/claim", WireRecord.of(signRaw(body)));
                ProcessView p = json.treeToValue(offer.get("process"), ProcessView.class);
                return Optional.of(new Assigned(p, claim.getClaim().getAttempt(), claim.getClaim().getLeaseUntilMs()));
            } catch (ColonyException.ConflictException lostRace) {
                if (System.nanoTime() >= deadline) {
                    return Optional.empty();
                }
            } catch (JsonProcessingException e) {
                throw new ColonyException(0, "unexpected reply from node: " + e.getOriginalMessage(), null);
            }
        }
    }

    /** Extends the lease of an assigned process by {@code extension} from now; returns the new lease end. */
    public long renew(Assigned a, Duration extension) {
        long until = System.currentTimeMillis() + (extension == null ? DEFAULT_LEASE : extension).toMillis();
        SignedRecord r = factory().renew(System.currentTimeMillis(), Ids.parseProcessId(a.id()), a.attempt(), until);
        post("/processes/" + a.id() + "/renew", WireRecord.of(r));
        return until;
    }

    /** Appends log lines to an assigned process ({@code seq} orders the chunks of the attempt). */
    public void addLog(Assigned a, long seq, List<String> lines) {
        SignedRecord r = factory().log(System.currentTimeMillis(), Ids.parseProcessId(a.id()), a.attempt(), seq, lines);
        post("/processes/" + a.id() + "/logs", WireRecord.of(r));
    }

    /** Finishes an assigned process: SUCCESS with {@code output}, or a failed attempt with {@code errors}. */
    public ProcessView close(Assigned a, boolean success, List<String> output, List<String> errors) {
        SignedRecord r = factory().close(System.currentTimeMillis(), Ids.parseProcessId(a.id()), a.attempt(),
                success, output, errors);
        return read(post("/processes/" + a.id() + "/close", WireRecord.of(r)), ProcessView.class);
    }

    // ---- plumbing ----

    private Identity identity() {
        if (identity == null) {
            throw new IllegalStateException("this client has no private key");
        }
        return identity;
    }

    private RecordFactory factory() {
        RecordFactory f = records;
        if (f == null) {
            String colony = nodeInfo().colony();
            f = new RecordFactory(identity(), Ids.parseMemberId(colony));
            records = f;
        }
        return f;
    }

    private SignedRecord signRaw(byte[] body) {
        return SignedRecord.newBuilder().setBody(ByteString.copyFrom(body))
                .setSigner(ByteString.copyFrom(identity().publicKey()))
                .setSignature(ByteString.copyFrom(identity().sign(Records.SIGNING_PREFIX, body))).build();
    }

    private static Record parseRecord(byte[] body) {
        try {
            Record r = Record.parseFrom(body);
            if (!r.hasClaim()) {
                throw new ColonyException(0, "node offered something else than a claim", null);
            }
            return r;
        } catch (InvalidProtocolBufferException e) {
            throw new ColonyException(0, "node offered a malformed claim", null);
        }
    }

    private static String checkId(String id) {
        return Hex.encode(Ids.parseProcessId(id));
    }

    private HttpReply httpGet(String path) {
        return expectOk(call("GET", path, null, REQUEST_TIMEOUT));
    }

    private HttpReply post(String path, Object body) {
        return expectOk(call("POST", path, body, REQUEST_TIMEOUT));
    }

    private HttpReply call(String method, String path, Object body, Duration timeout) {
        String target = prefix + "/api/v1" + path;
        byte[] bytes = null;
        if (body != null) {
            try {
                bytes = json.writeValueAsBytes(body);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot encode request", e);
            }
        }
        for (int attempt = 0; ; attempt++) {
            Map<String, String> headers = signed(method, target, bytes);
            if (bytes != null) {
                headers.put("Content-Type", "application/json");
            }
            byte[] sent = bytes;
            HttpReply resp = send(() -> http.exchange(method, target, headers, sent, timeout));
            if (resp.status() != 429 || attempt >= MAX_RATE_RETRIES) {
                return resp;
            }
            long waitS = resp.headerAsLong("Retry-After", 1);
            try {
                Thread.sleep(Math.min(5, Math.max(1, waitS)) * 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ColonyException(0, "interrupted", null);
            }
        }
    }

    /**
     * Adds the request-signature headers (see {@link RequestSignature}) when this client has a key;
     * they cover the method, the path and query as sent, a timestamp, a fresh nonce and the body.
     */
    private Map<String, String> signed(String method, String pathAndQuery, byte[] body) {
        Map<String, String> h = new LinkedHashMap<>();
        if (identity != null) {
            h.putAll(RequestSignature.headers(identity, method, pathAndQuery, body));
        }
        return h;
    }

    /** One exchange with the node over {@link HttpTransport}. */
    @FunctionalInterface
    private interface Exchange {
        HttpReply run() throws IOException;
    }

    private HttpReply send(Exchange exchange) {
        try {
            return exchange.run();
        } catch (SocketTimeoutException e) {
            throw new ColonyException(0, "node at " + base + " did not answer in time", null);
        } catch (ConnectException e) {
            throw new ColonyException(0, "cannot reach a node at " + base + ": connection refused (is it running?)", null);
        } catch (UnknownHostException e) {
            throw new ColonyException(0, "cannot reach a node at " + base + ": unknown host " + e.getMessage(), null);
        } catch (javax.net.ssl.SSLException e) {
            throw tlsFailure(e);
        } catch (IOException e) {
            if (e.getCause() instanceof javax.net.ssl.SSLException ssl) {
                throw tlsFailure(ssl);
            }
            throw new ColonyException(0, "cannot talk to node at " + base + ": " + e.getMessage(), null);
        }
    }

    /** One line for a failed TLS handshake: the pinned certificate did not match, or why it failed. */
    private ColonyException tlsFailure(javax.net.ssl.SSLException e) {
        String got = tls == null ? null : tls.lastMismatch();
        if (got != null && tls.pin() != null) {
            return new ColonyException(0, "refusing to connect to " + base + ": its TLS certificate has SHA-256 "
                    + got + ", not the pinned COLONY_TLS_FINGERPRINT " + tls.pin(), null);
        }
        return new ColonyException(0, "TLS with the node at " + base + " failed: " + e.getMessage()
                + (tls != null && tls.pin() == null ? " (a self-signed node certificate needs COLONY_TLS_FINGERPRINT)"
                : ""), null);
    }

    /** Returns {@code resp}, or throws the node's error for a non-2xx status. */
    private HttpReply expectOk(HttpReply resp) {
        int s = resp.status();
        if (s >= 200 && s < 300) {
            return resp;
        }
        String message = "HTTP " + s;
        String field = null;
        try {
            JsonNode err = json.readTree(resp.body());
            if (err != null && err.hasNonNull("error")) {
                message = err.get("error").asText();
                field = err.hasNonNull("field") ? err.get("field").asText() : null;
            }
        } catch (IOException ignored) {
            // not JSON: keep the status line
        }
        throw ColonyException.of(s, message, field);
    }

    private <T> T read(HttpReply resp, Class<T> type) {
        try {
            return json.readValue(resp.body(), type);
        } catch (IOException e) {
            throw new ColonyException(0, "unexpected reply from node: " + e.getMessage(), null);
        }
    }

    private <T> T read(HttpReply resp, TypeReference<T> type) {
        try {
            return json.readValue(resp.body(), type);
        } catch (IOException e) {
            throw new ColonyException(0, "unexpected reply from node: " + e.getMessage(), null);
        }
    }

}
