package io.colony.cli.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.colony.protocol.FunctionSpec;
import io.colony.protocol.ProcessEvent;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import java.util.List;
import org.junit.jupiter.api.Test;

class DivergenceTest {
    private static ProcessView view(String failSigner) {
        List<ProcessEvent> h = List.of(
                new ProcessEvent(1, "submit", 0, "8ca5c028dc822b4a", "new -> WAITING", "5cf31a89de6cbd77"),
                new ProcessEvent(2, "fail", 1, failSigner, "RUNNING -> WAITING", "ad10782cad7d87d8"));
        return new ProcessView("5cf31a89de6cbd77", FunctionSpec.of("cli", "sleep", "1"), ProcessState.SUCCESS, "u",
                "n2", "e", 4, 1, 2, 3, List.of(), List.of(), h, 0, null);
    }

    @Test
    void namesTheHistoryEntriesThatAreNotAlikeOnEveryNode() {
        // the failed chaos run: every node showed SUCCESS/attempt 4/15 records, one Fail had another signer on n1
        String d = Divergence.describe(List.of("n0", "n1", "n2"),
                List.of(view("d37a38fecf551b29"), view("6273e974a775f2f8"), view("d37a38fecf551b29")));
        assertEquals("records not alike on every node: fail ad10782cad7d… (attempt 1, by d37a38fecf55…: RUNNING ->"
                + " WAITING) on n0,n2; fail ad10782cad7d… (attempt 1, by 6273e974a775…: RUNNING -> WAITING) on n1", d);
    }

    @Test
    void namesTheFieldsWhenTheHistoriesAreAlike() {
        ProcessView a = view("x");
        ProcessView b = new ProcessView(a.id(), a.spec(), a.state(), a.submitter(), a.executorName(), a.executorId(),
                a.attempt(), a.submittedMs(), a.startedMs(), a.endedMs(), List.of("forged"), a.errors(), a.history(),
                a.leaseUntilMs(), a.workflowId());
        assertEquals("same records, different fields: n1 output [forged]",
                Divergence.describe(List.of("n0", "n1"), List.of(a, b)));
    }
}
