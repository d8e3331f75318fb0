package io.regent.common.store.etcd;

/** One key-value as etcd returned it, before any interpretation. */
record StoredKey(String key, String value, long modRevision, long leaseId) {
}
