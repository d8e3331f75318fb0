package io.regent.controller.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.regent.common.store.MergePatch;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The cluster's dynamic configuration (the {@code config} key) as an editable JSON tree: what
 * {@code show-config} prints and {@code edit-config} changes. Pure functions, no I/O.
 *
 * <p>Secrets: a value under a key that names a password, secret or token is shown as {@code ******}
 * wherever the configuration is printed (show-config, the diff of edit-config); it is written back
 * unchanged.
 */
public final class DynamicConfig {

    public static final String MASK = "******";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build());
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(password|passwd|secret|token|credential).*");

    private DynamicConfig() {
    }

    /**
     * The stored value as an object tree.
     *
     * @throws IllegalArgumentException if it is not a JSON object
     */
    public static ObjectNode parse(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("the config key is not a JSON object");
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the config key is not JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * A YAML or JSON document (JSON is YAML) that must be a mapping, for {@code --apply FILE}.
     *
     * @throws IllegalArgumentException with the parser's reason
     */
    public static ObjectNode parseDocument(String text) {
        JsonNode node;
        try {
            node = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not YAML or JSON: " + e.getOriginalMessage());
        }
        if (node == null || node.isMissingNode() || node.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected a mapping of settings at the top level");
        }
        return (ObjectNode) node;
    }

    /**
     * Applies one {@code --set key=value}: a dotted key for nesting ({@code postgresql.parameters.work_mem=8MB}),
     * the value read as a YAML scalar ({@code 2} is a number, {@code true} a boolean, {@code 8MB} a string).
     * An empty value or {@code null} removes the key.
     *
     * @throws IllegalArgumentException when the assignment is malformed or crosses a non-mapping value
     */
    public static void set(ObjectNode root, String assignment) {
        int equals = assignment.indexOf('=');
        if (equals <= 0) {
            throw new IllegalArgumentException("--set: expected key=value (got '" + assignment + "')");
        }
        String key = assignment.substring(0, equals).trim();
        String[] path = key.split("\\.", -1);
        for (String segment : path) {
            if (segment.isBlank()) {
                throw new IllegalArgumentException("--set: empty name in key '" + key + "'");
            }
        }
        JsonNode value = scalar(assignment.substring(equals + 1));
        ObjectNode parent = root;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode child = parent.get(path[i]);
            if (child == null || child.isNull()) {
                if (value.isNull()) {
                    return;
                }
                child = parent.putObject(path[i]);
            } else if (!child.isObject()) {
                throw new IllegalArgumentException("--set " + key + ": "
                        + String.join(".", java.util.Arrays.copyOf(path, i + 1)) + " is not a mapping (it is " + child + ")");
            }
            parent = (ObjectNode) child;
        }
        String last = path[path.length - 1];
        if (value.isNull()) {
            parent.remove(last);
        } else {
            parent.set(last, value);
        }
    }

    /** A YAML scalar; {@code ""} and {@code null} read as null. */
    static JsonNode scalar(String text) {
        if (text.isBlank()) {
            return JsonNodeFactory.instance.nullNode();
        }
        try {
            JsonNode node = YAML.readTree(text);
            if (node == null || node.isMissingNode()) {
                return JsonNodeFactory.instance.nullNode();
            }
            if (node.isContainerNode()) {
                // a '{' or '[' is most likely a typo; keep the text as the operator wrote it
                return JsonNodeFactory.instance.textNode(text);
            }
            return node;
        } catch (JsonProcessingException e) {
            return JsonNodeFactory.instance.textNode(text);
        }
    }

    /** JSON merge patch (RFC 7396, {@link MergePatch}) of {@code patch} into {@code target}, in place. */
    public static void merge(ObjectNode target, JsonNode patch) {
        JsonNode merged = MergePatch.apply(target, patch);
        target.removeAll();
        if (merged.isObject()) {
            target.setAll((ObjectNode) merged);
        }
    }

    /** The compact JSON written to etcd. */
    public static String toJson(JsonNode config) {
        try {
            return JSON.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The configuration as an operator reads it, secrets masked. */
    public static String toYaml(JsonNode config) {
        try {
            JsonNode shown = redacted(config);
            return shown.isEmpty() ? "{}\n" : YAML.writeValueAsString(shown);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A deep copy with every value under a secret-looking key replaced by {@link #MASK}. */
    public static JsonNode redacted(JsonNode config) {
        JsonNode copy = config.deepCopy();
        redactInPlace(copy);
        return copy;
    }

    private static void redactInPlace(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode value = object.get(name);
                if (SECRET_KEY.matcher(name).matches() && !value.isNull() && !value.isContainerNode()) {
                    object.put(name, MASK);
                } else {
                    redactInPlace(value);
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(DynamicConfig::redactInPlace);
        }
    }
}
