/**
 * Events for the host platform: the outbox (written in the grant change's own transaction), signed webhook
 * delivery with retries, and the polling API. Knows nothing of grants beyond the event it is handed.
 */
package io.sentryconnect.events;
