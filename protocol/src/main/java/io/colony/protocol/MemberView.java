package io.colony.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A member of a colony as its ledger knows it: the latest Admit and Revoke naming its key.
 *
 * @param id         the member's public key (64 hex)
 * @param name       the name given at its admission ({@code member invite --name}), "" if none
 * @param role       owner, node, executor or user
 * @param admittedMs timestamp of its latest Admit (0 for the owner)
 * @param revokedMs  timestamp of a Revoke after that Admit, 0 if none
 * @param expiresMs  when the admission ends, 0 for never
 * @param valid      true if the key may sign records now
 */
@JsonPropertyOrder({"id", "name", "role", "admittedMs", "revokedMs", "expiresMs", "valid"})
public record MemberView(String id, String name, String role, long admittedMs, long revokedMs, long expiresMs,
                         boolean valid) {
}
