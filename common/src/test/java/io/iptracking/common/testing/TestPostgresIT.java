package io.iptracking.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class TestPostgresIT {

    @Test
    void aFreshDatabaseIsEmptyAndUsable() throws SQLException {
        PostgresDatabase db = TestPostgres.newDatabase();

        assertThat(db.name()).startsWith("ipt_test_");
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            assertThat(userTables(statement)).isZero();
            statement.execute("CREATE TABLE blocks (cidr text PRIMARY KEY, reason text NOT NULL)");
            statement.execute("INSERT INTO blocks VALUES ('203.0.113.0/24', 'scanner')");
            try (ResultSet rows = statement.executeQuery("SELECT cidr, reason, current_database() FROM blocks")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("203.0.113.0/24");
                assertThat(rows.getString(2)).isEqualTo("scanner");
                assertThat(rows.getString(3)).isEqualTo(db.name());
                assertThat(rows.next()).isFalse();
            }
        }
    }

    @Test
    void twoFreshDatabasesDoNotSeeEachOthersTables() throws SQLException {
        PostgresDatabase first = TestPostgres.newDatabase();
        PostgresDatabase second = TestPostgres.newDatabase();

        assertThat(second.name()).isNotEqualTo(first.name());
        try (Connection connection = first.connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE only_in_first (id int)");
        }
        try (Connection connection = second.connect(); Statement statement = connection.createStatement()) {
            assertThat(userTables(statement)).isZero();
            assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM only_in_first"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("only_in_first");
        }
    }

    private static int userTables(Statement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
