package dev.etcdguard.etcd;

/** One {@code name=url} entry of {@code initial-cluster}. */
public record ClusterMember(String name, String peerUrl) {}
