// Nothing typed into a form is lost by accident, and nothing is saved twice:
//
// - Leaving a page whose form was changed (a menu link, any link, reload, closing the tab)
//   asks first, with the browser's own "leave this page?" prompt. Sending the form itself does
//   not ask. A form the server sent back refused (errors, a conflict) counts as changed: what
//   it holds is not saved yet. The server marks it with data-unsaved.
// - Switching language reloads the page in the other language: the changed forms' fields are
//   kept in sessionStorage for that one reload (removed as the next page opens), filled in
//   again, and the form counts as changed again. Passwords, files and the CSRF token are never
//   kept. If they cannot be kept (storage off or full), the switch asks before leaving.
// - Going back to a form after it was saved: the browser may fill in again what was sent, into
//   a newly drawn form with a new one-time token, which would save the same entry twice. A form
//   whose fields are exactly what was sent from this address gets the token it was sent with,
//   so the server answers "already saved" instead. Only the token and a hash of the fields are
//   remembered, never the text.
//
// Without this script every form works the same; only these safeguards are missing.
(function () {
  "use strict";

  var KEPT_KEY = "sigprojects:kept-input";
  var SENT_KEY_PREFIX = "sigprojects:sent-form:";
  // The language switch reloads at once; older kept input is not filled in.
  var KEPT_FOR_MS = 5 * 60 * 1000;
  // How many sent forms per address are remembered (the latest ones).
  var SENT_REMEMBERED = 5;
  // The browser asks before leaving as soon as a sending starts; should the sending be stopped
  // (the Esc key), the page asks again from this long after.
  var SENDING_MS = 1000;
  var TOKEN_FIELD = "submission_token";
  var NEVER_KEPT = ["csrfmiddlewaretoken"];
  var NOT_TYPED = ["hidden", "password", "file", "submit", "button", "reset", "image"];

  var baselines = new WeakMap();
  var leaving = false;

  function here() {
    return window.location.pathname + window.location.search;
  }

  function storage() {
    try {
      return window.sessionStorage;
    } catch (error) {
      return null; // storage disabled: the safeguards that need it are left out
    }
  }

  function isLanguageSwitch(form) {
    return form.hasAttribute("data-language-switch");
  }

  // The forms that hold someone's work: those sent by POST with fields to fill in, except the
  // language switch and forms with a password (signing in, changing the password). A form that
  // is only a button (logging out, archiving) holds nothing.
  function trackedForms() {
    return Array.prototype.filter.call(document.forms, function (form) {
      return (
        (form.getAttribute("method") || "").toLowerCase() === "post" &&
        !isLanguageSwitch(form) &&
        !form.querySelector("input[type=password]") &&
        typedFields(form).length > 0
      );
    });
  }

  function isTyped(element) {
    if (!element.name || element.disabled) {
      return false;
    }
    var tag = element.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select") {
      return true;
    }
    return tag === "input" && NOT_TYPED.indexOf(element.type) === -1;
  }

  function typedFields(form) {
    return Array.prototype.filter.call(form.elements, isTyped);
  }

  function isCheck(element) {
    return element.type === "checkbox" || element.type === "radio";
  }

  function selectedValues(select, selected) {
    return Array.prototype.filter
      .call(select.options, selected)
      .map(function (option) {
        return option.value;
      })
      .join("\n");
  }

  function stateOf(element) {
    if (isCheck(element)) {
      return String(element.checked);
    }
    if (element.tagName.toLowerCase() === "select") {
      return selectedValues(element, function (option) {
        return option.selected;
      });
    }
    return element.value;
  }

  // The state the page was drawn with: what the server sent, before anything was typed or
  // filled in again by the browser.
  function drawnStateOf(element) {
    if (isCheck(element)) {
      return String(element.defaultChecked);
    }
    if (element.tagName.toLowerCase() === "select") {
      var drawn = selectedValues(element, function (option) {
        return option.defaultSelected;
      });
      if (drawn === "" && !element.multiple && element.options.length) {
        return element.options[0].value; // a single choice shows its first option
      }
      return drawn;
    }
    return element.defaultValue;
  }

  function baselineOf(element) {
    return baselines.has(element) ? baselines.get(element) : drawnStateOf(element);
  }

  function isChanged(form) {
    return (
      form.hasAttribute("data-unsaved") ||
      typedFields(form).some(function (element) {
        return stateOf(element) !== baselineOf(element);
      })
    );
  }

  // What the form now holds counts as unchanged from here on.
  function settle(form) {
    typedFields(form).forEach(function (element) {
      baselines.set(element, stateOf(element));
    });
  }

  // What the form holds, as a short FNV-1a hash: the remembered sent forms keep no text.
  function fingerprint(form) {
    var text = JSON.stringify(
      typedFields(form).map(function (element) {
        return [element.name, stateOf(element)];
      })
    );
    var hash = 0x811c9dc5;
    for (var index = 0; index < text.length; index += 1) {
      hash ^= text.charCodeAt(index);
      hash = Math.imul(hash, 0x01000193);
    }
    return (hash >>> 0).toString(36) + "-" + text.length.toString(36);
  }

  // --- Leaving a changed form asks first --------------------------------------------------

  window.addEventListener("beforeunload", function (event) {
    if (leaving || !trackedForms().some(isChanged)) {
      return;
    }
    event.preventDefault();
    event.returnValue = ""; // browsers that still read it show their own text, never this
  });

  // --- Switching language keeps what was typed --------------------------------------------

  function fieldsToKeep(form) {
    return Array.prototype.filter
      .call(form.elements, function (element) {
        return (
          element.name &&
          !element.disabled &&
          NEVER_KEPT.indexOf(element.name) === -1 &&
          ["password", "file", "submit", "button", "reset", "image"].indexOf(element.type) === -1
        );
      })
      .map(function (element) {
        var tag = element.tagName.toLowerCase();
        if (isCheck(element)) {
          return { name: element.name, value: element.value, checked: element.checked };
        }
        if (tag === "select") {
          return { name: element.name, selected: stateOf(element).split("\n") };
        }
        return { name: element.name, value: element.value };
      });
  }

  // True when the changed forms are kept (or there are none); false when they could not be.
  function keepChangedForms() {
    var forms = trackedForms();
    var kept = forms
      .map(function (form, index) {
        return isChanged(form)
          ? { index: index, action: form.getAttribute("action") || "", fields: fieldsToKeep(form) }
          : null;
      })
      .filter(Boolean);
    if (!kept.length) {
      return true;
    }
    var store = storage();
    if (!store) {
      return false;
    }
    try {
      store.setItem(KEPT_KEY, JSON.stringify({ path: here(), at: Date.now(), forms: kept }));
      return true;
    } catch (error) {
      return false; // e.g. storage full: the leave prompt still protects the input
    }
  }

  function fillIn(form, fields) {
    var queues = {};
    fields.forEach(function (field) {
      (queues[field.name] = queues[field.name] || []).push(field);
    });
    var changed = [];
    Array.prototype.forEach.call(form.elements, function (element) {
      var queue = queues[element.name];
      if (!queue || !queue.length || NEVER_KEPT.indexOf(element.name) !== -1) {
        return;
      }
      if (element.type === "password" || element.type === "file") {
        return;
      }
      var field = queue.shift();
      var before = stateOf(element);
      if (isCheck(element)) {
        if (field.value === element.value) {
          element.checked = field.checked;
        }
      } else if (element.tagName.toLowerCase() === "select") {
        Array.prototype.forEach.call(element.options, function (option) {
          option.selected = (field.selected || []).indexOf(option.value) !== -1;
        });
      } else if (typeof field.value === "string") {
        element.value = field.value;
      }
      if (stateOf(element) !== before) {
        changed.push(element);
      }
    });
    // Other scripts (the character count) follow the field as if it had been typed.
    changed.forEach(function (element) {
      element.dispatchEvent(new Event("input", { bubbles: true }));
      element.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function fillInKeptInput() {
    var store = storage();
    if (!store) {
      return;
    }
    var kept;
    try {
      kept = JSON.parse(store.getItem(KEPT_KEY) || "null");
      store.removeItem(KEPT_KEY); // for this one reload only
    } catch (error) {
      return;
    }
    if (!kept || kept.path !== here() || !(Date.now() - kept.at < KEPT_FOR_MS)) {
      return;
    }
    var forms = trackedForms();
    (kept.forms || []).forEach(function (keptForm) {
      var form = forms[keptForm.index];
      if (form && (form.getAttribute("action") || "") === keptForm.action) {
        fillIn(form, keptForm.fields || []);
        form.setAttribute("data-unsaved", "");
      }
    });
  }

  // --- A saved form filled in again keeps its token ----------------------------------------

  function tokenOf(form) {
    var field = form.elements.namedItem(TOKEN_FIELD);
    return field && field.type === "hidden" ? field : null;
  }

  function sentForms() {
    var store = storage();
    try {
      return (store && JSON.parse(store.getItem(SENT_KEY_PREFIX + here()) || "[]")) || [];
    } catch (error) {
      return [];
    }
  }

  function rememberSent(form) {
    var token = tokenOf(form);
    var store = storage();
    if (!token || !store) {
      return;
    }
    var sent = sentForms().filter(function (entry) {
      return entry.token !== token.value;
    });
    sent.push({ token: token.value, fingerprint: fingerprint(form) });
    try {
      store.setItem(SENT_KEY_PREFIX + here(), JSON.stringify(sent.slice(-SENT_REMEMBERED)));
    } catch (error) {
      // Without it a form filled in again may be saved twice, as without this script.
    }
  }

  function recogniseSentForms() {
    var sent = sentForms();
    if (!sent.length) {
      return;
    }
    trackedForms().forEach(function (form) {
      var token = tokenOf(form);
      if (!token) {
        return;
      }
      var current = fingerprint(form);
      var filledIn = typedFields(form).some(function (element) {
        return stateOf(element) !== drawnStateOf(element);
      });
      var match = sent.filter(function (entry) {
        return entry.token === token.value || (filledIn && entry.fingerprint === current);
      })[0];
      if (match) {
        token.value = match.token;
        // What was sent is saved: leaving it needs no warning, changing it again does.
        if (match.fingerprint === current) {
          settle(form);
        }
      }
    });
  }

  // --- Wiring --------------------------------------------------------------------------------

  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) {
      return;
    }
    var form = event.target;
    if (isLanguageSwitch(form)) {
      leaving = keepChangedForms();
    } else if (trackedForms().indexOf(form) !== -1) {
      rememberSent(form);
      leaving = true;
    }
    // Any other form (logging out, archiving) leaves the changed form behind: the prompt asks.
    if (leaving) {
      window.setTimeout(function () {
        leaving = false;
      }, SENDING_MS);
    }
  });

  // The browser fills in form fields again (going back) before this event, also when it shows
  // the page from its back-forward cache, where a form that was being sent is on screen again.
  window.addEventListener("pageshow", function () {
    leaving = false;
    recogniseSentForms();
  });

  fillInKeptInput();
})();
