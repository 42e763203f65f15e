package io.sentryconnect.standin;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The armed faults, consumed one request at a time; the monitor makes "the next N requests" exact under load. */
final class Faults {

    private static final class Armed {
        final Fault fault;
        int remaining;

        Armed(Fault fault) {
            this.fault = fault;
            this.remaining = fault.count();
        }
    }

    private final List<Armed> armed = new ArrayList<>();

    synchronized void add(Fault fault) {
        armed.add(new Armed(fault));
    }

    synchronized void clear() {
        armed.clear();
    }

    /** The first armed fault for this path, counted as used; faults added earlier win. */
    synchronized Optional<Fault> take(String path) {
        for (Iterator<Armed> it = armed.iterator(); it.hasNext(); ) {
            Armed a = it.next();
            if (path.startsWith(a.fault.pathPrefix())) {
                if (--a.remaining == 0) {
                    it.remove();
                }
                return Optional.of(a.fault);
            }
        }
        return Optional.empty();
    }

    synchronized List<Map<String, Object>> describe() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Armed a : armed) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path_prefix", a.fault.pathPrefix());
            m.put("status", a.fault.status());
            m.put("delay_ms", a.fault.delayMs());
            m.put("reset", a.fault.reset());
            m.put("malformed", a.fault.malformed());
            m.put("count", a.fault.count());
            if (a.fault.detail() != null) {
                m.put("detail", a.fault.detail());
            }
            if (a.fault.contentType() != null) {
                m.put("content_type", a.fault.contentType());
                m.put("body", a.fault.body());
            }
            if (a.fault.location() != null) {
                m.put("location", a.fault.location());
            }
            if (a.fault.members() != null) {
                m.put("members", a.fault.members());
            }
            m.put("remaining", a.remaining);
            out.add(m);
        }
        return out;
    }
}
