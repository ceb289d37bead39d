/** Benchmarks of node components that the {@code colony bench} commands run (measuring code, no JUnit). */
package io.colony.node.bench;
