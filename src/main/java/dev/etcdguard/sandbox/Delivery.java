package dev.etcdguard.sandbox;

/** How settings reach each etcd member. */
public enum Delivery {
    /** Command line flags: {@code etcd --name=m1 --data-dir=...}. */
    FLAGS,
    /** ETCD_* environment variables; the command line is the binary alone. */
    ENV,
    /** One YAML file per member, passed as {@code --config-file=...}. */
    CONFIG_FILE
}
