package io.colony.node.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.colony.protocol.ProcessState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns a subscription's state events into server-sent events: one {@code state} event per change, then
 * {@code end} (with the final states) once every watched process is SUCCESS or FAILED; a {@code log}
 * event ({@code {"id": ...}}) when new log lines of a watched process were stored.
 */
final class StateWatch implements Consumer<List<StateEvent>> {

    private final EventStream stream;
    private final ObjectMapper json;
    private final Map<String, ProcessState> states = new LinkedHashMap<>();

    StateWatch(EventStream stream, ObjectMapper json) {
        this.stream = stream;
        this.json = json;
    }

    @Override
    public void accept(List<StateEvent> events) {
        String end = null;
        synchronized (this) {
            for (StateEvent e : events) {
                if (e.state() == null) {
                    stream.event("log", encode(Map.of("id", e.id()))); // new log lines of e.id() were stored
                    return;
                }
                states.put(e.id(), e.state());
                stream.event("state", encode(e));
            }
            if (states.values().stream().allMatch(ProcessState::isFinal)) {
                end = encode(Map.of("states", states));
            }
        }
        if (end != null) {
            stream.event("end", end);
            stream.end();
        }
    }

    private String encode(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode event", e);
        }
    }
}
