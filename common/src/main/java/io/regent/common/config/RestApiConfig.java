package io.regent.common.config;

import java.util.Optional;

/**
 * The agent's HTTP API: where it listens and the address other members and tools use to reach it.
 *
 * @param authentication basic-auth credentials the unsafe methods (POST, PATCH, DELETE…) require; none:
 *                       they are open, as Patroni's are without {@code restapi.authentication}
 */
public record RestApiConfig(HostPort listen, HostPort connectAddress, Credentials authentication) {

    public String url() {
        return "http://" + connectAddress;
    }

    public Optional<Credentials> credentials() {
        return Optional.ofNullable(authentication);
    }
}
