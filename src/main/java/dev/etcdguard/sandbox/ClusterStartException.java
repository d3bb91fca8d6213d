package dev.etcdguard.sandbox;

/** A {@link LocalCluster} could not be started; the message carries the relevant log tail. */
public final class ClusterStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ClusterStartException(String message) {
        super(message);
    }

    public ClusterStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
