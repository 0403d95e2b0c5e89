package io.iptracking.common.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * One empty PostgreSQL database made by {@link TestPostgres#newDatabase()}, and how to reach it.
 * For Spring Boot: {@code spring.datasource.url=jdbcUrl()}, {@code username()}, {@code password()}.
 */
public record PostgresDatabase(String host, int port, String name, String username, String password) {

    /** {@code jdbc:postgresql://host:port/name}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + name;
    }

    /** A new JDBC connection to this database; the caller closes it. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), username, password);
    }

    @Override
    public String toString() {
        // Keeps the password out of test reports.
        return "PostgresDatabase[" + jdbcUrl() + ", user " + username + "]";
    }
}
