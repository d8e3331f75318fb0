package io.regent.common.config;

/**
 * The agent's HTTP API: where it listens and the address other members and tools use to reach it.
 */
public record RestApiConfig(HostPort listen, HostPort connectAddress) {

    public String url() {
        return "http://" + connectAddress;
    }
}
