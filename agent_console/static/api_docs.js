// Starts Swagger UI on the API documentation page (no inline script: see the CSP).
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    deepLinking: true,
    // The "try it out" requests carry the session cookie; unsafe ones need the CSRF
    // header, which only the console's own pages hold: reading is what this page is for.
    supportedSubmitMethods: ["get"],
    validatorUrl: null,
  });
});
