package io.tidelog.event;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/** Equality, hashing and printing of row values, with {@code byte[]} compared by content. */
final class Values {

    private Values() {
    }

    static boolean equal(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!equal(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(a, b);
    }

    static int hash(Object v) {
        if (v instanceof byte[] bytes) {
            return Arrays.hashCode(bytes);
        }
        if (v instanceof List<?> list) {
            int h = 1;
            for (Object e : list) {
                h = 31 * h + hash(e);
            }
            return h;
        }
        return Objects.hashCode(v);
    }

    static String toString(Object v) {
        if (v instanceof byte[] bytes) {
            return "0x" + HexFormat.of().formatHex(bytes);
        }
        return String.valueOf(v);
    }
}
