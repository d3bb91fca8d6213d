package dev.etcdguard.fix;

/** A fix or certificate operation refused or failed; the message is one line meant for humans, never key material. */
public final class FixException extends RuntimeException {

    public FixException(String message) {
        super(message);
    }

    public FixException(String message, Throwable cause) {
        super(message, cause);
    }
}
