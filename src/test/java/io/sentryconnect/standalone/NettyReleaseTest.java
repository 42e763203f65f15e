package io.sentryconnect.standalone;

import io.netty.util.Version;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The standalone service (and its runner jar) runs on one Netty release. Netty's modules are released together and
 * call each other's internals, so a build that mixes two releases may start and then fail where two of them meet.
 */
class NettyReleaseTest {
    @Test
    void everyNettyModuleOnTheClasspathIsOfOneRelease() {
        Map<String, Version> modules = Version.identify();
        assertTrue(modules.size() >= 5, "Netty's modules name their release in META-INF/io.netty.versions.properties: " + modules.keySet());
        Map<String, String> releases = new TreeMap<>(modules.values().stream()
                .collect(Collectors.groupingBy(Version::artifactVersion, Collectors.mapping(Version::artifactId, Collectors.joining(", ")))));
        assertEquals(1, releases.size(), "Netty releases on the classpath, with their modules: " + releases);
    }
}
