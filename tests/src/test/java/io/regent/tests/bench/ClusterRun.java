package io.regent.tests.bench;

import io.regent.tests.fixture.RegentCluster;

/**
 * One run's cluster: started fresh, closed at the end; a run that completes deletes its directory,
 * one that throws keeps it (logs, configurations, data) and says where.
 */
final class ClusterRun {

    @FunctionalInterface
    interface Body {
        RunFigures run(RegentCluster cluster) throws Exception;
    }

    private ClusterRun() {
    }

    static RunFigures with(BenchContext context, int nodes, Body body) throws Exception {
        return with(context, nodes, context.settings(), body);
    }

    static RunFigures with(BenchContext context, int nodes, HaSettings settings, Body body) throws Exception {
        return with(context, context.newCluster(nodes, settings), body);
    }

    /** With each node in its own network namespace. */
    static RunFigures isolatable(BenchContext context, int nodes, Body body) throws Exception {
        return with(context, context.newIsolatableCluster(nodes), body);
    }

    /** On a cluster the scenario started itself (its own etcd, say): kept on failure, removed after success. */
    static RunFigures with(BenchContext context, RegentCluster cluster, Body body) throws Exception {
        boolean completed = false;
        try {
            RunFigures figures = body.run(cluster);
            completed = true;
            return figures;
        } finally {
            if (!completed) {
                cluster.keepDataOnClose();
            }
            cluster.close();
            if (completed && !context.keepLogs()) {
                Measurements.deleteQuietly(cluster.workDir());
            } else if (cluster.workDir() != null) {
                context.progress("    cluster directory kept: %s", cluster.workDir());
            }
        }
    }
}
