/**
 * Time behind one small interface: {@link io.colony.node.time.Scheduler} runs tasks after a delay
 * and tells the time, in real time for nodes ({@link io.colony.node.time.RealTimeScheduler}) or on
 * a virtual clock for deterministic simulations and tests
 * ({@link io.colony.node.time.VirtualScheduler}).
 */
package io.colony.node.time;
