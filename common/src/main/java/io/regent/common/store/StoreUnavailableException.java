package io.regent.common.store;

/** etcd could not be reached or did not answer in time; the operation may or may not have happened. */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
