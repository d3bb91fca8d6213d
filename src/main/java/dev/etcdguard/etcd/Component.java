package dev.etcdguard.etcd;

/**
 * The programs etcdguard judges: etcd itself, and kube-apiserver, etcd's client in a Kubernetes control
 * plane. A rule document's {@code scope} names one of them; a source recognises them by program name.
 */
public enum Component {
    ETCD("etcd"),
    KUBE_APISERVER("kube-apiserver");

    private final String program;

    Component(String program) {
        this.program = program;
    }

    /** The program's name: {@code etcd}, {@code kube-apiserver}; also the rule documents' {@code scope}. */
    public String program() {
        return program;
    }

    /** The component a program (a path's basename, or a rule document's {@code scope}) is, or null. */
    public static Component ofProgram(String basename) {
        for (Component c : values()) {
            if (c.program.equals(basename)) {
                return c;
            }
        }
        return null;
    }

    /** The setting for a flag name, or null when this component's catalogue does not know it. */
    public Setting setting(String flag) {
        return this == ETCD ? EtcdSettings.byFlag(flag) : ApiServerSettings.byFlag(flag);
    }
}
