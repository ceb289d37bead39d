package io.colony.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * What {@code GET /api/v1/node} tells about a node.
 *
 * @param colony        the colony id (the owner's public key, hex)
 * @param node          the node's member id (hex)
 * @param name          the node's name
 * @param executorTypes executor types the node runs itself
 * @param capacity      processes the node runs in parallel
 * @param version       software version
 * @param processes     process counts per state
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NodeInfo(String colony, String node, String name, List<String> executorTypes, int capacity,
                       String version, Map<String, Long> processes) {
}
