/**
 * Scheduling policies: which waiting request the engine admits next. Providers registered in
 * {@code META-INF/services/io.kvasir.api.plugin.SchedulingPolicyProvider}:
 * <ul>
 *   <li>{@code fcfs}: first come, first served;</li>
 *   <li>{@code priority}: highest priority first, FCFS within a priority;</li>
 *   <li>{@code lpm}: longest cached prefix first (SGLang), with a starvation guard;</li>
 *   <li>{@code vtc}: Virtual Token Counter fair sharing between tenants (Sheng et al., OSDI 2024);</li>
 *   <li>{@code vtc-kv}: VTC that also charges KV-cache memory held over time.</li>
 * </ul>
 * The policies themselves live in {@code internal}; see {@code docs/plugins/scheduling.md}.
 */
package io.kvasir.plugins.scheduling;
