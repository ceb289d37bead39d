package io.colony.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.colony.node.ledger.Resources;
import io.colony.protocol.InvalidSpecException;
import io.colony.protocol.SpecCodec;

/**
 * The resources an external executor offers in its {@code /executors/assign} request: {@code cpu}
 * ("4", "500m"), {@code memory} ("8Gi", "512Mi", Colonies' {@code mem} too) and {@code gpu} (a count, or
 * Colonies' object {@code {"count": 1}}), written as in a spec's conditions. Absent: none.
 */
final class ExecutorOffer {
    private ExecutorOffer() {
    }

    /**
     * @throws ApiError 400 naming the field if an amount is malformed
     */
    static Resources of(JsonNode req) {
        JsonNode memory = req.has("memory") ? req.get("memory") : req.get("mem");
        JsonNode gpu = req.get("gpu");
        if (gpu != null && gpu.isObject()) {
            gpu = gpu.get("count");
        }
        try {
            return new Resources(SpecCodec.cpuMillis(amount(req.get("cpu"), "cpu"), "cpu"),
                    SpecCodec.memoryMb(amount(memory, "memory"), "memory"), SpecCodec.gpus(amount(gpu, "gpu"), "gpu"));
        } catch (InvalidSpecException e) {
            throw ApiError.badRequest(e.field(), "offered " + e.getMessage());
        }
    }

    private static String amount(JsonNode v, String field) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber() && v.asLong() >= 0) {
            return v.asText();
        }
        if (!v.isTextual()) {
            throw ApiError.badRequest(field, "offered " + field + " must be a string like in a spec's conditions");
        }
        return v.asText().strip();
    }
}
