package io.regent.controller.cli;

import io.regent.common.model.ClusterView;
import io.regent.common.store.ClusterReader;
import io.regent.controller.fixture.FakeAdmin;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs regentctl in-process against a {@link FakeAdmin}; keeps what it printed. */
final class CommandRun {

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final int exitCode;

    private CommandRun(int exitCode, StringWriter out, StringWriter err) {
        this.exitCode = exitCode;
        this.out.write(out.toString());
        this.err.write(err.toString());
    }

    static CommandRun of(FakeAdmin admin, Terminal terminal, Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ReaderFactory readers = (endpoints, keys, timeout) -> new ClusterReader() {
            @Override
            public ClusterView load() {
                return admin.view;
            }

            @Override
            public void close() {
            }
        };
        String[] full = new String[args.length + 4];
        System.arraycopy(args, 0, full, 0, args.length);
        System.arraycopy(new String[] {"--etcd", "http://127.0.0.1:2379", "--scope", "demo"}, 0, full, args.length, 4);
        int exit = RegentCtl.commandLine(environment, readers, (endpoints, keys, timeout) -> admin, terminal,
                new PrintWriter(out, true), new PrintWriter(err, true)).execute(full);
        return new CommandRun(exit, out, err);
    }

    static CommandRun of(FakeAdmin admin, String... args) {
        return of(admin, Terminal.NONE, Map.of(), args);
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }
}
