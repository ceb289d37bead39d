package io.colony.node.runtime;

import io.colony.node.exec.ExecPolicy;
import io.colony.node.ledger.Ledger;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Hex;
import io.colony.protocol.ProcessView;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which WAITING processes this node's {@code cli} executor claims: only those its operator's
 * {@link ExecPolicy} allows, so that a process it may not run stays WAITING for a node that may
 * (instead of failing, attempt after attempt, on every node that does not allow it). Each refused
 * process is logged once with the reason ("... not allowed by this node's operator: add --allow ...").
 *
 * <p>Decisions are cached per process id (a spec never changes); used on the ledger loop only.
 */
public final class RunPermission implements Predicate<byte[]> {

    private static final Logger log = LoggerFactory.getLogger(RunPermission.class);
    private static final int MAX_CACHED = 50_000;

    private final Ledger ledger;
    private final ExecPolicy policy;
    private final Map<ByteBuffer, Boolean> decided = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Boolean> eldest) {
            return size() > MAX_CACHED;
        }
    };

    /**
     * @param ledger the node's ledger (read on the loop)
     * @param policy what the operator allows
     */
    public RunPermission(Ledger ledger, ExecPolicy policy) {
        this.ledger = ledger;
        this.policy = policy;
    }

    /** The reason {@code spec} may not run here, or empty if it may. */
    public static Optional<String> refusal(ExecPolicy policy, FunctionSpec spec) {
        ExecPolicy.Decision d = policy.check(spec.funcname(), spec.args(), spec.shell());
        return d.allowed() ? Optional.empty() : Optional.of(d.reason());
    }

    @Override
    public boolean test(byte[] processId) {
        if (policy.allowsEverything()) {
            return true;
        }
        if (policy.allowsNothing()) {
            return false;
        }
        ByteBuffer key = ByteBuffer.wrap(processId.clone());
        Boolean known = decided.get(key);
        if (known != null) {
            return known;
        }
        Optional<ProcessView> view = ledger.get(processId);
        if (view.isEmpty()) {
            return false;
        }
        Optional<String> why = refusal(policy, view.get().spec());
        why.ifPresent(w -> log.warn("not claiming process {}: {}", Hex.encode(processId), w));
        decided.put(key, why.isEmpty());
        return why.isEmpty();
    }
}
