package io.regent.controller.render;

/** Lays out a {@link MemberListing} as text for stdout. Warnings are not part of it: they go to stderr. */
public interface ListingRenderer {

    String render(MemberListing listing);
}
