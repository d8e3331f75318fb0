/**
 * High availability: the rules (pure) and the loop that applies them.
 *
 * <p>The loop contract:
 * <ol>
 *   <li>{@link io.regent.agent.ha.HaLoop} is the only actor. One thread runs one cycle at a time; all
 *       mutable HA state lives on it.</li>
 *   <li>A cycle renews the member lease, reads one snapshot of the cluster from etcd
 *       ({@link io.regent.common.model.ClusterView}), probes the local PostgreSQL
 *       ({@link io.regent.agent.ha.LocalState}) and publishes this member's state.</li>
 *   <li>{@link io.regent.agent.ha.Decider#decide} turns the two snapshots into one
 *       {@link io.regent.agent.ha.Decision}. It does no I/O and reads no clock; every rule is a unit test.</li>
 *   <li>{@link io.regent.agent.ha.DecisionExecutor} carries the decision out. Quick steps run on the loop
 *       thread; slow ones run on the single-slot {@link io.regent.agent.ha.JobRunner}, and while one runs
 *       the decider answers {@code Wait} and the loop keeps renewing the lease.</li>
 *   <li>The loop publishes a {@link io.regent.agent.status.NodeStatus} for the REST API, logs the
 *       decision's reason (once per change, and every 30 s while unchanged), then sleeps
 *       {@code loop_wait} or until woken.</li>
 *   <li>Callbacks (etcd watch, job completion, REST actions) never act: they only
 *       {@link io.regent.agent.ha.LoopSignal#wake()} the loop. What they saw may be stale by the time the
 *       loop runs, which is why the loop re-reads everything.</li>
 *   <li>Ownership writes are etcd transactions (create-if-absent, value-equals-me), so a decision made on
 *       a stale snapshot fails to commit instead of overwriting somebody else's claim.</li>
 *   <li>After deciding and before executing, the loop tells its {@link io.regent.agent.fence.LeaderFence}s how
 *       long this member may stay writable ({@link io.regent.agent.ha.Fencing}): a hung loop stops feeding them,
 *       and they stop the primary before the lease can expire, without this JVM's help.</li>
 * </ol>
 */
package io.regent.agent.ha;
