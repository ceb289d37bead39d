/** Operational metrics of a node, exposed in the Prometheus text format on the HTTP API. */
package io.colony.node.metrics;
