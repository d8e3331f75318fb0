package io.regent.tests.bench;

import io.regent.tests.fixture.EtcdServerExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Where the figures were measured: the machine and the versions, for the report's header. */
final class Environment {

    private Environment() {
    }

    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("memory_mb", memInfoKb("MemTotal").map(kb -> kb / 1024).orElse(null));
        m.put("cpu", cpuModel().orElse("unknown"));
        m.put("kernel", command("uname", "-r").orElse("unknown"));
        m.put("os", osRelease().orElse(System.getProperty("os.name")));
        m.put("load_average_at_start", loadAverage());
        return m;
    }

    static Map<String, Object> versions(EtcdServerExtension etcd) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("regent", System.getProperty("regent.version", "unknown"));
        v.put("regent_commit", Optional.ofNullable(System.getProperty("regent.home"))
                .flatMap(home -> command("git", "-C", home, "describe", "--always", "--dirty"))
                .orElse("unknown"));
        v.put("postgresql", command("/usr/lib/postgresql/15/bin/postgres", "--version").orElse("unknown"));
        v.put("etcd", command("etcd", "--version").map(s -> s.lines().findFirst().orElse(s)).orElse("unknown"));
        v.put("etcd_members", etcd.size());
        v.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        return v;
    }

    /** The 1-minute load average from {@code /proc/loadavg}: how busy the machine was (other work included). */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static Optional<Long> memInfoKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith(key + ":")) {
                    return Optional.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return Optional.empty();
    }

    private static Optional<String> cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> osRelease() {
        try {
            return Files.readAllLines(Path.of("/etc/os-release")).stream().filter(l -> l.startsWith("PRETTY_NAME="))
                    .findFirst().map(l -> l.substring("PRETTY_NAME=".length()).replace("\"", ""));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The trimmed output of a short command, or empty if it fails. */
    static Optional<String> command(String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return Optional.of(out);
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
