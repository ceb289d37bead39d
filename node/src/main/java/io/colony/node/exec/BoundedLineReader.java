package io.colony.node.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/** Reads lines of at most {@code maxChars} characters; the rest of a longer line is skipped. */
final class BoundedLineReader {

    private final Reader in;
    private final int maxChars;

    BoundedLineReader(InputStream in, int maxChars) {
        this.in = new InputStreamReader(in, StandardCharsets.UTF_8);
        this.maxChars = maxChars;
    }

    /** The next line without terminator, or {@code null} at end of stream. */
    String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        boolean any = false;
        int c;
        while ((c = in.read()) != -1) {
            any = true;
            if (c == '\n') {
                break;
            }
            if (line.length() < maxChars) {
                line.append((char) c);
            }
        }
        if (!any) {
            return null;
        }
        int n = line.length();
        if (n > 0 && line.charAt(n - 1) == '\r') {
            line.setLength(n - 1);
        }
        return line.toString();
    }
}
