package io.regent.controller.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What an agent answered to an action: the status code and the body (Patroni answers in plain text or JSON). */
public record AgentResponse(int status, String body) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MESSAGE = 300;

    public boolean isSuccess() {
        return status == 200;
    }

    public boolean isScheduled() {
        return status == 202;
    }

    /**
     * The agent's message on one line: the {@code message}, {@code reason} or {@code error} field of a JSON
     * body, else the text itself; whitespace runs collapsed, long texts cut.
     */
    public String message() {
        String text = body == null ? "" : body.strip();
        if (text.startsWith("{")) {
            try {
                JsonNode node = JSON.readTree(text);
                for (String field : new String[] {"message", "reason", "error"}) {
                    if (node.hasNonNull(field)) {
                        text = node.get(field).asText();
                        break;
                    }
                }
            } catch (Exception notJson) {
                // keep the raw text
            }
        }
        text = text.replaceAll("\\s+", " ").strip();
        if (text.length() > MAX_MESSAGE) {
            text = text.substring(0, MAX_MESSAGE) + "…";
        }
        return text.isEmpty() ? "(no message)" : text;
    }
}
