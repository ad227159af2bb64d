// Starts Swagger UI on /docs against this origin's OpenAPI document.
window.addEventListener("load", () => {
  window.ui = window.SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#api-reference",
    deepLinking: true,
    // No calls to validator.swagger.io: the page must work offline.
    validatorUrl: null,
    tryItOutEnabled: true,
    persistAuthorization: false,
  });
});
