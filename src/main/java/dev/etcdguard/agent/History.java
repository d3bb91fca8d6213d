package dev.etcdguard.agent;

import java.io.IOException;
import java.util.Map;

/**
 * The history the agent serves at {@code /api/v1/history}: the store's answer as JSON. Without a store the endpoint
 * answers 404.
 */
@FunctionalInterface
public interface History {

    /** @param query the request's query parameters (first value of each) */
    String json(Map<String, String> query) throws IOException;
}
