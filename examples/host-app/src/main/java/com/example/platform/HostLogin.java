package com.example.platform;

import io.micronaut.core.annotation.NonNull;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.AuthenticationFailureReason;
import io.micronaut.security.authentication.AuthenticationRequest;
import io.micronaut.security.authentication.AuthenticationResponse;
import io.micronaut.security.authentication.provider.HttpRequestAuthenticationProvider;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;

/**
 * The platform's sign-in ({@code POST /login}, a JWT back): a user belongs to one account, carried in the
 * {@value #ACCOUNT_CLAIM} claim; the user is the subject. A made-up user table stands in for the platform's own.
 */
@Singleton
class HostLogin<B> implements HttpRequestAuthenticationProvider<B> {
    static final String ACCOUNT_CLAIM = "account";

    private record User(String password, String account, List<String> roles) {
    }

    private static final Map<String, User> USERS = Map.of(
            "alice", new User("alice-password", "acme-co", List.of("owner")),
            "bob", new User("bob-password", "acme-co", List.of()),
            "carol", new User("carol-password", "globex-inc", List.of("owner")));

    @Override
    public @NonNull AuthenticationResponse authenticate(HttpRequest<B> request,
                                                        @NonNull AuthenticationRequest<String, String> authRequest) {
        User user = USERS.get(authRequest.getIdentity());
        if (user == null || !user.password().equals(authRequest.getSecret())) {
            return AuthenticationResponse.failure(AuthenticationFailureReason.CREDENTIALS_DO_NOT_MATCH);
        }
        return AuthenticationResponse.success(authRequest.getIdentity(), user.roles(), Map.of(ACCOUNT_CLAIM, user.account()));
    }
}
