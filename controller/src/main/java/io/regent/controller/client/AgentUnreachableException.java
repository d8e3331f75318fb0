package io.regent.controller.client;

/** An agent's REST API did not answer (refused, timed out, bad address). Nothing is known of the outcome. */
public final class AgentUnreachableException extends Exception {

    public AgentUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
