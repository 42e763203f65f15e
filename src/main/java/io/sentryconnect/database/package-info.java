/**
 * The plugin's database: its migrations (own location, own history table) on the host's datasource, and which
 * PostgreSQL the service and the tests use. Owns no queries (they live in the feature packages) and no host tables.
 */
package io.sentryconnect.database;
