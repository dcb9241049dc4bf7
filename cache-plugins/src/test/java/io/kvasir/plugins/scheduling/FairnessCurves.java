package io.kvasir.plugins.scheduling;

import java.util.List;
import java.util.Locale;

import io.kvasir.plugins.scheduling.EngineSimulation.Result;
import io.kvasir.plugins.scheduling.EngineSimulation.Setup;
import io.kvasir.plugins.scheduling.EngineSimulation.TenantLoad;

/**
 * Prints the fairness curves of {@link FairnessSimulationTest}'s load (tenant A sends four times the requests
 * of B, both backlogged) as CSV: cumulative weighted service per tenant under {@code fcfs} and {@code vtc},
 * and under {@code vtc} with weights 2:1. For {@code docs/plugins/scheduling.md}. Run after
 * {@code ./mvnw -pl cache-plugins -am test-compile}:
 * <pre>{@code
 * java -cp platform-api/target/classes:cache-plugins/target/classes:cache-plugins/target/test-classes \
 *     io.kvasir.plugins.scheduling.FairnessCurves [numSteps] [everySteps]
 * }</pre>
 */
public final class FairnessCurves {

    private FairnessCurves() {
    }

    public static void main(String[] args) {
        int numSteps = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int every = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        Setup setup = Setup.defaults(numSteps);
        List<TenantLoad> equal = FairnessSimulationTest.fourToOne(1, 1);
        Result fcfs = EngineSimulation.run(FairnessSimulationTest.policy(new FcfsPolicyProvider()), setup, equal);
        Result vtc = EngineSimulation.run(FairnessSimulationTest.policy(new VtcPolicyProvider()), setup, equal);
        Result weighted = EngineSimulation.run(FairnessSimulationTest.policy(new VtcPolicyProvider()), setup,
                FairnessSimulationTest.fourToOne(2, 1));
        System.out.println("step,fcfs_A,fcfs_B,vtc_A,vtc_B,vtc_2to1_A,vtc_2to1_B");
        for (int step = every - 1; step < numSteps; step += every) {
            System.out.printf(Locale.ROOT, "%d,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f%n", step + 1, fcfs.service(0, step), fcfs.service(1, step),
                    vtc.service(0, step), vtc.service(1, step), weighted.service(0, step), weighted.service(1, step));
        }
    }
}
