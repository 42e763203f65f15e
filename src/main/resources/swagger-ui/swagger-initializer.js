// The standalone service's API browser: the swagger-ui webjar's page, pointed at the document this service serves.
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/swagger/sentry-connect-1.yml",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "StandaloneLayout"
  });
};
