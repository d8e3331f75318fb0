package io.regent.controller.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.UncheckedIOException;

/** A YAML sequence with one mapping per member (fields: see {@link StructuredRows}); {@code []} when there is none. */
public final class YamlRenderer implements ListingRenderer {

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build());

    @Override
    public String render(MemberListing listing) {
        try {
            return YAML.writeValueAsString(StructuredRows.of(listing));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
