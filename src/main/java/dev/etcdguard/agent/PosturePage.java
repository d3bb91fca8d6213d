package dev.etcdguard.agent;

import dev.etcdguard.report.PostureHtml;
import dev.etcdguard.report.Trend;
import java.time.Instant;
import java.util.function.Supplier;

/** The posture page at {@code /}: the latest scan through {@link PostureHtml}, with the history's trend. */
public final class PosturePage implements PostureView {

    private final PostureHtml html;
    private final Supplier<Trend> trend;

    /** @param trend the trend to show (the history store's, or always empty without one) */
    public PosturePage(int expiryWarnDays, Supplier<Trend> trend) {
        this.html = new PostureHtml(expiryWarnDays);
        this.trend = trend;
    }

    @Override
    public String html(AgentState.Scan latest) {
        return html.render(latest.report(), new PostureHtml.Header(latest.host(), latest.cluster(), latest.at()),
                trend.get(), Instant.now());
    }
}
