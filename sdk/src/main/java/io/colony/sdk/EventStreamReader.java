package io.colony.sdk;

import java.util.Iterator;
import java.util.function.BiConsumer;

/**
 * Reads a {@code text/event-stream} body line by line and hands each complete event (its {@code event}
 * name and the joined {@code data} lines) to a consumer. Comment lines (keep-alives) are skipped. Lines
 * longer than {@link #MAX_LINE_CHARS} end the stream with an error.
 */
final class EventStreamReader {

    /** Longest line accepted from a node. */
    static final int MAX_LINE_CHARS = 64 * 1024;

    private EventStreamReader() {
    }

    /** Reads until the body ends; returns the name of the last event (null if none). */
    static String read(Iterator<String> lines, BiConsumer<String, String> onEvent) {
        String name = null;
        StringBuilder data = new StringBuilder();
        String last = null;
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.length() > MAX_LINE_CHARS) {
                throw new ColonyException(0, "node sent an event line longer than " + MAX_LINE_CHARS, null);
            }
            if (line.isEmpty()) {
                if (name != null || data.length() > 0) {
                    String event = name == null ? "message" : name;
                    onEvent.accept(event, data.toString());
                    last = event;
                }
                name = null;
                data.setLength(0);
            } else if (line.startsWith(":")) {
                continue;
            } else if (line.startsWith("event:")) {
                name = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                if (data.length() > 0) {
                    data.append('\n');
                }
                data.append(line.substring(5).stripLeading());
                if (data.length() > MAX_LINE_CHARS) {
                    throw new ColonyException(0, "node sent an event larger than " + MAX_LINE_CHARS, null);
                }
            }
        }
        return last;
    }
}
