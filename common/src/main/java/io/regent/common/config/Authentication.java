package io.regent.common.config;

/** The two roles the agent uses: a superuser for probes and control, a replication role for streaming. */
public record Authentication(Credentials superuser, Credentials replication) {
}
