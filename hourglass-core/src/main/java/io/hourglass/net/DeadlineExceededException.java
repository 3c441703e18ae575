package io.hourglass.net;

import java.net.SocketTimeoutException;

/**
 * A read or write on a {@link Conn} failed because the connection's read or write deadline had passed.
 *
 * <p>It is a {@link SocketTimeoutException}, so code that already handles socket timeouts handles it
 * too. {@link #op()} says which side's deadline passed. Higher layers (the server and the client)
 * catch it and re-throw an error that names their own phase (read header, response headers, ...).
 */
public final class DeadlineExceededException extends SocketTimeoutException {
    /** Which deadline passed. */
    public enum Op {
        /** The read deadline: a read was pending, or started, after it. */
        READ,
        /** The write deadline: a write was pending, or started, after it. */
        WRITE
    }

    /** The side whose deadline passed. */
    private final Op op;
    /** The connection's id. */
    private final long connId;

    /**
     * A passed deadline of one side of a connection.
     *
     * @param op the side whose deadline passed
     * @param connId the connection's id, for the message
     */
    public DeadlineExceededException(Op op, long connId) {
        super((op == Op.READ ? "read" : "write") + " deadline exceeded (connection #" + connId + ")");
        this.op = op;
        this.connId = connId;
    }

    /** {@return the side whose deadline passed} */
    public Op op() {
        return op;
    }

    /** {@return the id of the connection ({@link Conn#id()})} */
    public long connId() {
        return connId;
    }
}
