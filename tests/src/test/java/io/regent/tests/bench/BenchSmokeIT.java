package io.regent.tests.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark cannot rot: one run of the shortest scenario (PostgreSQL crash on the primary)
 * through the real runner, and the report it writes holds the measured figures, the machine, the
 * versions and the HA settings. Timings are not asserted: they are what the benchmark reports.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BenchSmokeIT {

    @TempDir
    Path out;

    @Test
    void oneRunOfOneScenarioWritesAMarkdownAndAJsonReportWithTheMeasuredFigures() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Path markdown;
        try (PrintStream printer = new PrintStream(progress, true, StandardCharsets.UTF_8)) {
            markdown = BenchMain.run(new String[] {"--runs", "1", "--scenario", "postgres-crash", "--out", out.toString()},
                    printer);
        }
        System.out.println(progress.toString(StandardCharsets.UTF_8));

        assertThat(markdown).exists().hasParent(out);
        assertThat(Files.readString(markdown))
                .contains("| postgres-crash | " + Figure.FIRST_WRITE.label() + " |")
                .contains("| postgres-crash | " + Figure.ALL_STREAMING.label() + " |")
                .contains("ttl 10 s, loop_wait 1 s, retry_timeout 3 s");

        Path json = BenchMain.json(markdown);
        assertThat(json).exists();
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertThat(report.path("machine").path("cores").asInt()).isPositive();
        assertThat(report.path("versions").path("postgresql").asText()).contains("15");
        assertThat(report.path("ha_settings").path("ttl").asInt()).isEqualTo(10);
        JsonNode scenario = report.path("scenarios").path(0);
        assertThat(scenario.path("name").asText()).isEqualTo("postgres-crash");
        assertThat(scenario.path("runs_completed").asInt()).as("completed runs; failures: " + scenario.path("failures"))
                .isEqualTo(1);
        JsonNode figures = scenario.path("figures");
        for (Figure figure : new Figure[] {Figure.FIRST_WRITE, Figure.LONGEST_GAP, Figure.ALL_STREAMING,
                Figure.STANDBYS_RESTARTED, Figure.ACKED_WRITES_LOST, Figure.SPLIT_BRAIN}) {
            JsonNode f = figures.path(figure.key());
            assertThat(f.path("median").isNumber()).as(figure.key() + " measured: " + figures).isTrue();
            assertThat(f.path("min").asDouble()).isLessThanOrEqualTo(f.path("median").asDouble());
            assertThat(f.path("median").asDouble()).isLessThanOrEqualTo(f.path("max").asDouble());
        }
        assertThat(figures.path(Figure.FIRST_WRITE.key()).path("median").asDouble()).isPositive();
    }
}
