package io.colony.node.ledger;

import io.colony.node.ledger.Membership.Member;
import io.colony.protocol.DecodedRecord;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Hex;
import io.colony.protocol.ProcessEvent;
import io.colony.protocol.ProcessView;
import io.colony.protocol.RecordKind;
import io.colony.protocol.SpecCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Collects what a full re-fold reveals: history, output, errors, executors per attempt. */
final class ViewBuilder implements FoldSink {
    final List<ProcessEvent> history = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    final Map<Integer, Member> executors = new HashMap<>();
    List<String> output = List.of();
    FunctionSpec spec;
    String workflowId;

    @Override
    public void event(DecodedRecord r, Member signer, String detail) {
        if (spec == null && (r.kind() == RecordKind.SUBMIT || r.kind() == RecordKind.SUBMIT_WORKFLOW)
                && !detail.startsWith("ignored")) {
            spec = r.kind() == RecordKind.SUBMIT ? SpecCodec.fromProto(r.record().getSubmit().getSpec())
                    : SpecCodec.fromProto(r.record().getWorkflow().getSpecs(indexOf(r)));
            workflowId = r.kind() == RecordKind.SUBMIT_WORKFLOW ? r.idText() : null;
        }
        history.add(new ProcessEvent(r.timestampMs(), r.kind().name().toLowerCase(), r.attempt(),
                signer == null ? Hex.encode(r.signer()) : signer.id, detail, r.idText()));
    }

    private IdKey self;

    ViewBuilder forProcess(IdKey id) {
        this.self = id;
        return this;
    }

    private int indexOf(DecodedRecord r) {
        for (int i = 0; i < r.processIds().size(); i++) {
            if (IdKey.of(r.processIds().get(i)).equals(self)) {
                return i;
            }
        }
        return 0;
    }

    @Override
    public void output(List<String> lines) {
        output = List.copyOf(lines);
    }

    @Override
    public void error(String error) {
        errors.add(error);
    }

    @Override
    public void claimed(int attempt, Member executor) {
        executors.put(attempt, executor);
    }

    ProcessView build(Proc p) {
        return new ProcessView(Hex.encode(p.id.bytes()), spec, p.state, p.submitter == null ? null : p.submitter.id,
                p.executorName, p.executor == null ? null : p.executor.id, p.attempt, p.submittedMs, p.startedAt,
                p.endedAt, output, errors, history, p.state == io.colony.protocol.ProcessState.RUNNING
                ? p.leaseUntil : 0, workflowId);
    }
}
