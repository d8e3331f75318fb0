package io.regent.controller.render;

import java.util.function.Supplier;

/** The values of {@code -f/--format}. */
public enum OutputFormat {
    TABLE(TableRenderer::new),
    JSON(JsonRenderer::new),
    YAML(YamlRenderer::new);

    private final Supplier<ListingRenderer> renderer;

    OutputFormat(Supplier<ListingRenderer> renderer) {
        this.renderer = renderer;
    }

    public ListingRenderer renderer() {
        return renderer.get();
    }
}
