package io.colony.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessViewJsonTest {
    @Test
    void roundTripsThroughJackson() throws Exception {
        FunctionSpec spec = SpecCodec.parse("""
                {"funcname":"echo","args":["hi"],"kwargs":{"n":1},"conditions":{"executortype":"cli"}}""");
        ProcessView v = new ProcessView("ab".repeat(32), spec, ProcessState.SUCCESS, "cd".repeat(32), "ex",
                "ef".repeat(32), 1, 10, 20, 30, List.of("hi"), List.of(),
                List.of(new ProcessEvent(10, "submit", 0, "cd".repeat(32), "new -> WAITING", "ab".repeat(32))), 0,
                null);
        ObjectMapper json = new ObjectMapper();
        String text = json.writeValueAsString(v);
        assertTrue(text.startsWith("{\"id\":\"abab"), text);
        assertTrue(text.contains("\"state\":\"SUCCESS\""), text);
        assertTrue(text.contains("\"executortype\":\"cli\""), text);
        assertEquals(v, json.readValue(text, ProcessView.class));
    }
}
