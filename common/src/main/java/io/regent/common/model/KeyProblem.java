package io.regent.common.model;

/** A key whose value could not be understood (garbage written by hand, a foreign format). */
public record KeyProblem(String key, String reason) {
}
