package io.sentryconnect;

/** A request field is missing or wrong ({@code invalid_request}); {@link #field()} names it. Nothing was done. */
public final class InvalidRequest extends SentryConnectException {
    private final String field;

    public InvalidRequest(String field, String message) {
        super("invalid_request", message);
        this.field = field;
    }

    /** The field, query parameter or path part at fault, as the API names it. */
    public String field() {
        return field;
    }
}
