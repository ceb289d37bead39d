package io.colony.node.ledger;

import java.nio.ByteBuffer;

/** A 32-byte id as four longs: a compact, hashable map key. */
record IdKey(long a, long b, long c, long d) implements Comparable<IdKey> {

    static IdKey of(byte[] id) {
        ByteBuffer bb = ByteBuffer.wrap(id);
        return new IdKey(bb.getLong(), bb.getLong(), bb.getLong(), bb.getLong());
    }

    byte[] bytes() {
        return ByteBuffer.allocate(32).putLong(a).putLong(b).putLong(c).putLong(d).array();
    }

    /** Unsigned lexicographic order of the bytes. */
    @Override
    public int compareTo(IdKey o) {
        int r = Long.compareUnsigned(a, o.a);
        if (r == 0) {
            r = Long.compareUnsigned(b, o.b);
        }
        if (r == 0) {
            r = Long.compareUnsigned(c, o.c);
        }
        return r != 0 ? r : Long.compareUnsigned(d, o.d);
    }
}
