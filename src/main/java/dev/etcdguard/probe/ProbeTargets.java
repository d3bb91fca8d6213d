package dev.etcdguard.probe;

import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.ResolvedInvocation;
import dev.etcdguard.etcd.Target;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The peer endpoints a scan probes: the URLs of each etcd member's effective {@code initial-advertise-peer-urls}
 * and {@code listen-peer-urls}, once per address. Nothing else is ever contacted: no range is expanded, a
 * wildcard listener (0.0.0.0, ::) is not dialled, and a manifest's loopback address (the pod's own, not this
 * machine's) is skipped.
 *
 * @param endpoints the endpoints to probe, one per address
 * @param skipped   why some configured URLs are not probed, for the report's notes
 */
public record ProbeTargets(List<Endpoint> endpoints, List<String> skipped) {

    public static ProbeTargets of(List<ResolvedInvocation> invocations) {
        Map<String, Endpoint> byAddress = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        for (ResolvedInvocation inv : invocations) {
            if (inv.component() != Component.ETCD) {
                continue;
            }
            for (String url : inv.config().peerUrls()) {
                Endpoint e;
                try {
                    e = Endpoint.parse(url);
                } catch (IllegalArgumentException ex) {
                    skipped.add(ex.getMessage());
                    continue;
                }
                if (e.isWildcard()) {
                    continue; // the advertised URLs name the addresses peers dial
                }
                if (inv.invocation().target() instanceof Target.Manifest && isLoopback(e.host())) {
                    skipped.add(url + " (a manifest's loopback address is the pod's own, not this machine's)");
                    continue;
                }
                byAddress.putIfAbsent(e.address(), e);
            }
        }
        return new ProbeTargets(List.copyOf(byAddress.values()), List.copyOf(skipped));
    }

    private static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name: never resolved here just to decide
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
