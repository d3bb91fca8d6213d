package dev.etcdguard.agent;

import java.io.IOException;

/** Renders the posture page served at {@code /} from the agent's latest state. */
@FunctionalInterface
public interface PostureView {

    /** @param latest the latest scan, never null (the page is served once the first scan finished) */
    String html(AgentState.Scan latest) throws IOException;
}
