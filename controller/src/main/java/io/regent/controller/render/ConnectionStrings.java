package io.regent.controller.render;

import java.util.regex.Pattern;

/**
 * Masks passwords in a connection string before it is shown. Members publish {@code conn_url} without
 * one (passwords live in pgpass files), but a member key written by another tool might carry one, and
 * regentctl never prints a password whatever etcd holds.
 */
public final class ConnectionStrings {

    /** {@code postgres://user:secret@host} */
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^:/@\\s]*):[^@/\\s]*@");
    /** {@code password=secret}, {@code password='a secret'} in key/value form or as a URL parameter */
    private static final Pattern KEYWORD_PASSWORD =
            Pattern.compile("(?i)(password\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'|[^\\s&]*)");

    private ConnectionStrings() {
    }

    public static String redact(String connectionString) {
        if (connectionString == null) {
            return null;
        }
        String masked = URL_PASSWORD.matcher(connectionString).replaceAll("$1:******@");
        return KEYWORD_PASSWORD.matcher(masked).replaceAll("$1******");
    }
}
