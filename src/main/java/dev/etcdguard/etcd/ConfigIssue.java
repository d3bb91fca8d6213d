package dev.etcdguard.etcd;

/**
 * A fact about the configuration itself, not about a setting's value.
 *
 * @param fatal    true when etcd refuses to start with this configuration
 * @param setting  the etcd setting (flag name) it concerns, or null
 * @param message  one line for a human
 * @param location where it was seen, or null
 */
public record ConfigIssue(boolean fatal, String setting, String message, Location location) {

    public static ConfigIssue fatal(String setting, String message, Location location) {
        return new ConfigIssue(true, setting, message, location);
    }

    public static ConfigIssue ignored(String setting, String message, Location location) {
        return new ConfigIssue(false, setting, message, location);
    }
}
