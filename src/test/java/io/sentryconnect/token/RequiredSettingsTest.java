package io.sentryconnect.token;

import io.micronaut.context.exceptions.ConfigurationException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class RequiredSettingsTest {

    /** The class path of a host whose build declared micronaut-http-client test-scoped: no Netty client classes. */
    private static final class WithoutTheHttpClient extends ClassLoader {
        WithoutTheHttpClient() {
            super(RequiredSettingsTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("io.micronaut.http.client.netty.")) {
                throw new ClassNotFoundException(name);
            }
            return super.loadClass(name, resolve);
        }
    }

    @Test
    void aClassPathWithoutMicronautsHttpClientStopsTheStartSayingWhatToDeclare() {
        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> RequiredSettings.requireHttpClient(new WithoutTheHttpClient()));
        assertTrue(refused.getMessage().contains("io.micronaut:micronaut-http-client in compile scope"), refused.getMessage());
        assertDoesNotThrow(() -> RequiredSettings.requireHttpClient(RequiredSettingsTest.class.getClassLoader()));
    }
}
