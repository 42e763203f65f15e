/**
 * Which PostgreSQL the service and the tests use (environment, Testcontainers, or the local one).
 * Owns no tables and no queries: the schema lives in migrations/, the queries in the feature packages.
 */
package io.sentryconnect.database;
