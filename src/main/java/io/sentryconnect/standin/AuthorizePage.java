package io.sentryconnect.standin;

import java.util.List;

/**
 * The HTML of the authorize flow: a user picker (the stand-in's "login"), the consent page with the requested
 * scopes and one organization to pick, and the error page. Element ids are stable for browser tests:
 * {@code user-<id>}, {@code org-<slug>} (radio {@code name="org"}), {@code approve}, {@code deny}.
 */
final class AuthorizePage {

    private AuthorizePage() {
    }

    static String login(Consents.PendingAuthorization request, Fixtures.OAuthClient client, List<Fixtures.User> users) {
        StringBuilder body = new StringBuilder();
        body.append("<h1>Sign in to Sentry (stand-in)</h1>\n")
                .append("<p><strong>").append(escape(client.name())).append("</strong> wants to connect to your Sentry account.</p>\n")
                .append("<p>Pick the seeded user to sign in as:</p>\n")
                .append("<form method=\"post\" action=\"/oauth/authorize/\" id=\"login\">\n")
                .append(hidden("request", request.id()))
                .append(hidden("op", "login"))
                .append("<ul>\n");
        for (Fixtures.User user : users) {
            body.append("<li><button type=\"submit\" name=\"user_id\" value=\"").append(escape(user.id()))
                    .append("\" id=\"user-").append(escape(user.id())).append("\">")
                    .append(escape(user.name())).append(" &lt;").append(escape(user.email())).append("&gt;</button></li>\n");
        }
        body.append("</ul>\n</form>\n");
        return page("Sign in", body.toString());
    }

    static String consent(Consents.PendingAuthorization request, Fixtures.OAuthClient client, Fixtures.User user,
                          List<Fixtures.Organization> organizations) {
        StringBuilder body = new StringBuilder();
        body.append("<h1>Authorize ").append(escape(client.name())).append("</h1>\n")
                .append("<p>Signed in as <span id=\"signed-in-user\">").append(escape(user.name())).append("</span> (")
                .append(escape(user.email())).append(").</p>\n")
                .append("<p>This application requests the following permissions:</p>\n<ul id=\"scopes\">\n");
        for (String scope : request.scopes()) {
            body.append("<li>").append(escape(scope)).append("</li>\n");
        }
        body.append("</ul>\n")
                .append("<form method=\"post\" action=\"/oauth/authorize/\" id=\"consent\">\n")
                .append(hidden("request", request.id()))
                .append(hidden("user_id", user.id()))
                .append("<fieldset><legend>Organization to connect (pick one)</legend>\n");
        boolean first = true;
        for (Fixtures.Organization org : organizations) {
            body.append("<label><input type=\"radio\" name=\"org\" value=\"").append(escape(org.id()))
                    .append("\" id=\"org-").append(escape(org.slug())).append("\"").append(first ? " checked" : "")
                    .append("> ").append(escape(org.name())).append(" (").append(escape(org.slug())).append(", region ")
                    .append(escape(org.region())).append(")</label><br>\n");
            first = false;
        }
        body.append("</fieldset>\n")
                .append("<button type=\"submit\" name=\"op\" value=\"approve\" id=\"approve\">Approve</button>\n")
                .append("<button type=\"submit\" name=\"op\" value=\"deny\" id=\"deny\">Deny</button>\n")
                .append("</form>\n");
        return page("Authorize application", body.toString());
    }

    /** Sentry's {@code sentry/oauth-error.html}, reduced to its message. {@code messageHtml} must be trusted markup. */
    static String error(String messageHtml) {
        return page("Authorization error", "<h1>Authorization error</h1>\n<p id=\"error\">" + messageHtml + "</p>\n");
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>" + escape(title)
                + " | Sentry stand-in</title></head>\n<body>\n" + body + "</body>\n</html>\n";
    }

    private static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + escape(name) + "\" value=\"" + escape(value) + "\">\n";
    }

    /** HTML escaping of its own, like web.HtmlPages.escape: the stand-in uses no service code (see package-info). */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
