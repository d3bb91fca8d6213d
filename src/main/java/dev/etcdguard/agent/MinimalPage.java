package dev.etcdguard.agent;

import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.Status;
import java.util.Map;

/**
 * A minimal server-rendered posture page (status counts and a table of results, every value escaped), served at
 * {@code /} until the full posture page is wired in.
 */
public final class MinimalPage implements PostureView {

    @Override
    public String html(AgentState.Scan latest) {
        StringBuilder b = new StringBuilder(8192);
        b.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>etcdguard posture</title>")
                .append("<style>body{font:14px system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left}.FAIL,.ERROR{color:#b00020}")
                .append(".WARN{color:#8a6d00}.PASS{color:#1b5e20}</style></head><body>")
                .append("<h1>etcdguard posture</h1><p>host ").append(esc(latest.host()))
                .append(latest.cluster().isEmpty() ? "" : ", cluster " + esc(latest.cluster()))
                .append("; scan at ").append(esc(latest.at().toString())).append(" took ")
                .append(latest.took().toMillis()).append(" ms</p><p>");
        for (Map.Entry<Status, Integer> e : latest.report().summary().entrySet()) {
            b.append("<span class=\"").append(e.getKey().name()).append("\">").append(e.getKey().name()).append(": ")
                    .append(e.getValue()).append("</span> ");
        }
        b.append("</p><table><tr><th>rule</th><th>title</th><th>target</th><th>status</th></tr>");
        for (Result r : latest.report().results()) {
            b.append("<tr><td>").append(esc(r.rule().number())).append("</td><td>").append(esc(r.rule().title()))
                    .append("</td><td>").append(esc(AgentMetrics.target(r.target()))).append("</td><td class=\"")
                    .append(r.status().name()).append("\">").append(r.status().name()).append("</td></tr>");
        }
        b.append("</table>");
        for (String note : latest.report().notes()) {
            b.append("<p>").append(esc(note)).append("</p>");
        }
        return b.append("</body></html>\n").toString();
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
