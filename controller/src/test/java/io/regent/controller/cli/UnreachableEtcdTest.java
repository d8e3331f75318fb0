package io.regent.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.common.store.etcd.EtcdStores;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real etcd client against a loopback port where nothing listens: one line on stderr, exit 1,
 * and nothing from jetcd, gRPC or Netty on the process's stderr (the CLI's logback configuration).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnreachableEtcdTest {

    @Test
    void aClosedPortGivesExit1AndOneQuietLine() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream processErr = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        int exit;
        System.setErr(new PrintStream(processErr, true, StandardCharsets.UTF_8));
        try {
            exit = RegentCtl.commandLine(Map.of(), EtcdStores::reader, new PrintWriter(out, true), new PrintWriter(err, true))
                    .execute("list", "--etcd", "http://127.0.0.1:" + port, "--scope", "demo", "--timeout", "1");
        } finally {
            System.setErr(originalErr);
        }

        assertThat(exit).isEqualTo(RegentCtl.EXIT_UNAVAILABLE);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).startsWith("regentctl: etcd unreachable at http://127.0.0.1:" + port + " (")
                .endsWith(")\n").hasLineCount(1);
        assertThat(processErr.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
