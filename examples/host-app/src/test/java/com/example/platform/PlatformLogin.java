package com.example.platform;

import io.micronaut.security.token.generator.TokenGenerator;

import java.net.http.HttpResponse;
import java.util.Map;

/** The platform's tokens, as its frontend and its services get them. */
final class PlatformLogin {
    private PlatformLogin() {
    }

    /** {@code POST /login} as the frontend does it: a JWT with the platform's {@code exp}. */
    static String login(String baseUrl, String user) {
        HttpResponse<String> response = new Browser().postJson(baseUrl + "/login",
                "{\"username\":\"" + user + "\",\"password\":\"" + user + "-password\"}");
        if (response.statusCode() != 200) {
            throw new AssertionError("login failed: " + response.statusCode() + " " + response.body());
        }
        return response.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
    }

    /** A token the platform mints for its own services: its claims only, no {@code exp}. */
    static String withoutExpiry(TokenGenerator tokens, String user, String account) {
        return tokens.generateToken(Map.of("sub", user, "account", account))
                .orElseThrow(() -> new AssertionError("no token generated"));
    }
}
