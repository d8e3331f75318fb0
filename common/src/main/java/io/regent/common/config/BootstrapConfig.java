package io.regent.common.config;

/** Settings used once, by the member that initializes a new cluster. */
public record BootstrapConfig(HaConfig dcs) {

    public BootstrapConfig {
        dcs = dcs == null ? HaConfig.DEFAULTS : dcs;
    }
}
