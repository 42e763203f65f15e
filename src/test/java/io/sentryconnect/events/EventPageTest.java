package io.sentryconnect.events;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** An event of the events page: the stored payload as it was written, with its cursor spliced in as the first member. */
@Tag("unit")
class EventPageTest {

    @Test
    void theCursorComesFirstAndThePayloadStaysAsItWasWritten() {
        assertEquals("{\"cursor\":\"7.3\",\"id\":\"e\",\"data\":{\"grant\":null}}",
                EventController.withCursor("7.3", "{\"id\":\"e\",\"data\":{\"grant\":null}}"));
        assertEquals("{\"cursor\":\"0.1\",\"id\":\"e\"}", EventController.withCursor("0.1", " \n{ \"id\":\"e\"}"),
                "leading white space (a host mapper that indents) is no member");
        assertEquals("{\"cursor\":\"0.1\"}", EventController.withCursor("0.1", "{}"), "no dangling comma");
        assertEquals("{\"cursor\":\"0.1\"}", EventController.withCursor("0.1", "{ }"));
    }

    @Test
    void aPayloadThatIsNoObjectIsRefusedRatherThanServedBroken() {
        assertThrows(IllegalStateException.class, () -> EventController.withCursor("0.1", "[1]"));
        assertThrows(IllegalStateException.class, () -> EventController.withCursor("0.1", ""));
    }
}
