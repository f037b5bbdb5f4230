package io.tidelog.snapshot;

/**
 * The PostgreSQL type of a column as far as decoding its text form needs: the base type name
 * (domains resolved to their base), and for arrays the element's base type name.
 *
 * @param typeName base type name as in {@code pg_type.typname}, e.g. {@code int4}, {@code timestamptz};
 *     for an array column the array type's name, e.g. {@code _int4}
 * @param elementTypeName for an array column the element's base type name, otherwise null
 * @param declared the type as declared on the column, for messages (e.g. {@code money}, {@code my_domain})
 * @param isEnum whether the (element) base type is an enum, whose values are their labels
 */
public record ColumnType(String typeName, String elementTypeName, String declared, boolean isEnum) {

    boolean isArray() {
        return elementTypeName != null;
    }
}
