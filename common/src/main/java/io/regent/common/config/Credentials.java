package io.regent.common.config;

/** A PostgreSQL role and its password. */
public record Credentials(String username, Secret password) {

    public Credentials withPassword(Secret newPassword) {
        return new Credentials(username, newPassword);
    }
}
