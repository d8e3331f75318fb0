package io.regent.controller.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.UncheckedIOException;

/** A JSON array with one object per member (fields: see {@link StructuredRows}); {@code []} when there is none. */
public final class JsonRenderer implements ListingRenderer {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public String render(MemberListing listing) {
        try {
            return JSON.writeValueAsString(StructuredRows.of(listing)) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
