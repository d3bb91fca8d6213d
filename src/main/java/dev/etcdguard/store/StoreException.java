package dev.etcdguard.store;

/** The history store could not be opened, written or read; the message is one line and never holds a password. */
public final class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }
}
