package io.colony.node.api;

import io.colony.protocol.ProcessView;

/**
 * A process offered to an external executor by {@code POST /api/v1/executors/assign}. The executor
 * signs {@code claimBody} (a serialized {@code Record} holding a {@code Claim}) and posts it to
 * {@code /api/v1/processes/{id}/claim}; only then is the process its.
 *
 * @param process   the process as it is now (WAITING)
 * @param claimBody base64 of the Claim record body to sign
 */
public record Assignment(ProcessView process, String claimBody) {
}
