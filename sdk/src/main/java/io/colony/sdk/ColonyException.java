package io.colony.sdk;

/**
 * A request the node refused or could not serve. {@link #getMessage()} is the node's one-line
 * {@code error}; {@link #field()} the input field it blamed, if any.
 */
public class ColonyException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final int status;
    private final String field;

    /**
     * @param status  the HTTP status, or 0 when the node could not be reached
     * @param message one readable line
     * @param field   the offending field, or {@code null}
     */
    public ColonyException(int status, String message, String field) {
        super(message);
        this.status = status;
        this.field = field;
    }

    /** The HTTP status, 0 if the node could not be reached. */
    public int status() {
        return status;
    }

    /** The offending field named by the node, or {@code null}. */
    public String field() {
        return field;
    }

    /** The exception type for a status. */
    static ColonyException of(int status, String message, String field) {
        return switch (status) {
            case 400, 413 -> new BadRequestException(status, message, field);
            case 401, 403 -> new AccessDeniedException(status, message, field);
            case 404 -> new NotFoundException(status, message, field);
            case 409 -> new ConflictException(status, message, field);
            default -> new ColonyException(status, message, field);
        };
    }

    /** 400/413: the request or record is invalid. */
    public static final class BadRequestException extends ColonyException {
        private static final long serialVersionUID = 1L;

        BadRequestException(int status, String message, String field) {
            super(status, message, field);
        }
    }

    /** 401/403: bad signature, or the key is not a member allowed to do this. */
    public static final class AccessDeniedException extends ColonyException {
        private static final long serialVersionUID = 1L;

        AccessDeniedException(int status, String message, String field) {
            super(status, message, field);
        }
    }

    /** 404: no such process or route. */
    public static final class NotFoundException extends ColonyException {
        private static final long serialVersionUID = 1L;

        NotFoundException(int status, String message, String field) {
            super(status, message, field);
        }
    }

    /** 409: the record does not fit the process's state (e.g. someone else claimed it first). */
    public static final class ConflictException extends ColonyException {
        private static final long serialVersionUID = 1L;

        ConflictException(int status, String message, String field) {
            super(status, message, field);
        }
    }
}
