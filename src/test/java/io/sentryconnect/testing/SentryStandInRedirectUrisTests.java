package io.sentryconnect.testing;

import io.sentryconnect.standin.SentryStandIn;
import io.sentryconnect.support.Http;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A host that mounts the plugin's connect endpoints elsewhere registers its callback with the stand-in. */
@SentryStandInTest(redirectUris = "http://localhost/integrations/sentry/connect/callback")
class SentryStandInRedirectUrisTests {

    @Test
    void theOAuthClientAcceptsTheHostsCallbackBesidesItsOwn(SentryStandIn standIn) {
        HttpResponse<String> fixtures = new Http().get(standIn.baseUrl() + "/_standin/fixtures");
        assertTrue(fixtures.body().contains("http://localhost/integrations/sentry/connect/callback"), fixtures.body());
        assertTrue(fixtures.body().contains("http://localhost/connect/sentry/callback"), fixtures.body());
        String authorize = standIn.baseUrl() + "/oauth/authorize/?response_type=code&client_id=" + SentryStandInExtension.CLIENT_ID
                + "&redirect_uri=http%3A%2F%2Flocalhost%3A9999%2Fintegrations%2Fsentry%2Fconnect%2Fcallback&scope=org%3Aread"
                + "&state=s&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256";
        HttpResponse<String> consent = new Http().get(authorize);
        assertTrue(!consent.body().contains("redirect_uri"), consent.statusCode() + " " + consent.body());
    }
}
