package io.tidelog.snapshot;

import io.tidelog.event.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Makes the pgoutput publication cover the captured tables. It must exist before the slot is
 * created: pgoutput decodes with the catalog as of each change, so a publication created after
 * the consistent point would miss the changes in between.
 */
final class Publications {

    private Publications() {
    }

    /** Creates the publication for the tables, or adds the tables it lacks. */
    static void ensure(Connection c, String publication, List<TableId> tables) throws SQLException {
        Set<TableId> published = published(c, publication);
        if (published == null) {
            execute(c, "CREATE PUBLICATION " + Catalog.quote(publication) + " FOR TABLE " + list(tables));
            return;
        }
        List<TableId> missing = new ArrayList<>(tables);
        missing.removeAll(published);
        if (!missing.isEmpty()) {
            execute(c, "ALTER PUBLICATION " + Catalog.quote(publication) + " ADD TABLE " + list(missing));
        }
    }

    /** The tables of the publication, or null when it does not exist. */
    private static Set<TableId> published(Connection c, String publication) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT puballtables FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
            }
        }
        Set<TableId> tables = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(new TableId(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return tables;
    }

    private static String list(List<TableId> tables) {
        return tables.stream().map(t -> Catalog.quote(t.schema()) + "." + Catalog.quote(t.table()))
                .collect(Collectors.joining(", "));
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
