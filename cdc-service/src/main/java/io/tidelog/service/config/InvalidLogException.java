package io.tidelog.service.config;

/** The {@code tidelog.log} configuration cannot work; the message names the key, {@link #fix()} says what to do. */
public class InvalidLogException extends RuntimeException {

    private final String fix;

    public InvalidLogException(String message, String fix) {
        super(message);
        this.fix = fix;
    }

    public String fix() {
        return fix;
    }
}
