package dev.etcdguard.store;

import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;

/**
 * Flyway's log, silenced: a migration must not print to a scan's stdout or stderr (the report is there); what goes
 * wrong reaches the user as the store's one-line error. Public with a no-argument constructor: Flyway instantiates
 * it by class name.
 */
public final class QuietFlywayLog implements LogCreator, Log {

    @Override
    public Log createLogger(Class<?> clazz) {
        return this;
    }

    @Override
    public void debug(String message) {}

    @Override
    public void info(String message) {}

    @Override
    public void warn(String message) {}

    @Override
    public void error(String message) {}

    @Override
    public void error(String message, Exception e) {}

    @Override
    public void notice(String message) {}
}
