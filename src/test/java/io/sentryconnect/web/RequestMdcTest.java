package io.sentryconnect.web;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The request's log keys are on the thread only while it works for the request, and the thread's own keys survive. */
@Tag("unit")
class RequestMdcTest {
    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void putsItsKeysAndGivesTheThreadsOwnBack() {
        MDC.put("request_id", "outer");
        MDC.put("host_key", "kept");
        RequestLogContext.RequestMdc mdc = new RequestLogContext.RequestMdc(
                new String[]{"request_id", "tenant_id"}, new String[]{"r-1", "t-1"});

        String[] previous = mdc.updateThreadContext();
        assertEquals("r-1", MDC.get("request_id"));
        assertEquals("t-1", MDC.get("tenant_id"));
        assertEquals("kept", MDC.get("host_key"));

        mdc.restoreThreadContext(previous);
        assertEquals("outer", MDC.get("request_id"));
        assertNull(MDC.get("tenant_id"), "a key the thread did not have is taken away again");
        assertEquals("kept", MDC.get("host_key"));
    }
}
