package io.regent.agent.fence;

import io.regent.common.config.HaConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Several fences as one: every one is fed, the first refusal counts. */
public final class Fences implements LeaderFence {

    private static final Logger LOG = LoggerFactory.getLogger(Fences.class);

    private final List<LeaderFence> fences;

    public Fences(List<LeaderFence> fences) {
        this.fences = List.copyOf(fences);
    }

    @Override
    public void start() {
        for (LeaderFence fence : fences) {
            try {
                fence.start();
            } catch (RuntimeException e) {
                LOG.error("cannot start fence {}: {}", fence, e.getMessage());
            }
        }
    }

    @Override
    public Optional<String> refusal(HaConfig config) {
        return fences.stream().map(fence -> fence.refusal(config)).flatMap(Optional::stream).findFirst();
    }

    @Override
    public void apply(FenceOrder order, HaConfig config) {
        for (LeaderFence fence : fences) {
            try {
                fence.apply(order, config);
            } catch (RuntimeException e) {
                LOG.error("fence {} failed: {}", fence, e.getMessage());
            }
        }
    }

    @Override
    public Optional<Duration> resetsMachineIn() {
        return fences.stream().map(LeaderFence::resetsMachineIn).flatMap(Optional::stream).min(Duration::compareTo);
    }

    @Override
    public void close() {
        for (LeaderFence fence : fences) {
            try {
                fence.close();
            } catch (RuntimeException e) {
                LOG.warn("closing fence {}: {}", fence, e.getMessage());
            }
        }
    }
}
