/* Bantin: the display buttons without a page reload. Everything works without
   this file (the buttons are a plain form); with it, the reader keeps their place
   in a long article and a screen reader hears the new text size. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-preferences]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var root = document.documentElement;

  function button(selector) {
    return form.querySelector(selector);
  }

  function apply(prefs) {
    var focused = document.activeElement;
    root.setAttribute("data-font", String(prefs.font));
    root.setAttribute("data-spacing", prefs.spacing);
    root.setAttribute("data-theme", prefs.theme);

    button('[data-font-action="down"]').disabled = prefs.font === 0;
    button('[data-font-action="reset"]').disabled = prefs.font === 0;
    button('[data-font-action="up"]').disabled = prefs.font === prefs.max_font;

    var spacing = button("[data-spacing-toggle]");
    var wide = prefs.spacing === "wide";
    spacing.value = wide ? "normal" : "wide";
    spacing.setAttribute("aria-pressed", wide ? "true" : "false");

    var themes = form.querySelectorAll('button[name="theme"]');
    for (var i = 0; i < themes.length; i += 1) {
      themes[i].setAttribute("aria-pressed", themes[i].value === prefs.theme ? "true" : "false");
    }

    document.querySelector("#co-chu-hien-tai [data-font-percent]").textContent = prefs.percent + "%";

    // A button that just became disabled would drop keyboard focus to the page:
    // keep it in the group, on the button that still does something.
    if (focused && focused.disabled) {
      var next = focused.getAttribute("data-font-action") === "up"
        ? button('[data-font-action="down"]')
        : button('[data-font-action="up"]');
      next.focus();
    }
  }

  function submitWithoutScript(pressed) {
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = pressed.name;
    field.value = pressed.value;
    form.appendChild(field);
    form.submit();
  }

  form.addEventListener("submit", function (event) {
    var pressed = event.submitter;
    if (!pressed || !pressed.name) {
      return;
    }
    event.preventDefault();
    var data = new FormData(form);
    data.append(pressed.name, pressed.value);
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(apply)
      .catch(function () {
        submitWithoutScript(pressed);
      });
  });
})();
