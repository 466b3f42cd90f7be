// Starts Swagger UI on the page's #swagger-ui element. It lives in a file, not in the page, because the
// page's Content-Security-Policy allows no inline script; the spec's URL comes from the element's data-spec-url.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    layout: "BaseLayout",
    presets: [SwaggerUIBundle.presets.apis],
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null, // no badge fetched from validator.swagger.io
  });
})();
