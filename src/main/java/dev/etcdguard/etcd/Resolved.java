package dev.etcdguard.etcd;

import java.util.ArrayList;
import java.util.List;

/** One effective etcd setting: its value as etcd will use it, and where that value came from. */
public record Resolved(Setting setting, String value, Provenance provenance) {

    public String name() {
        return setting.flag();
    }

    public boolean isDefault() {
        return provenance instanceof Provenance.Default;
    }

    public boolean isEmpty() {
        return value == null || value.isEmpty();
    }

    /** A boolean setting's value (Go spellings accepted; anything else counts as false). */
    public boolean isTrue() {
        return "true".equals(GoBool.parse(value == null ? "" : value.trim()));
    }

    /** A comma-separated value's elements, trimmed, empty ones dropped (as etcd splits URL lists). */
    public List<String> elements() {
        List<String> out = new ArrayList<>();
        if (value != null) {
            for (String part : value.split(",")) {
                String p = part.trim();
                if (!p.isEmpty()) {
                    out.add(p);
                }
            }
        }
        return out;
    }
}
