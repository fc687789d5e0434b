// Character count for every text field with a maximum length: "123 / 5.000 tegn" below the
// field, read out with it (aria-describedby), and announced politely only when the text nears
// the limit, so that screen reader users are not interrupted on every key press. Without this
// script the forms work the same; the server refuses overlong text with a message at the field.
(function () {
  "use strict";

  // The page's language decides the words and the thousands separator; the count lives here
  // rather than in the translation catalogue because the server never renders it.
  var TEXTS = {
    da: {
      separator: ".",
      count: "{count} / {limit} tegn",
      left: "{left} tilbage",
      over: "{over} for mange",
      announceLeft: "Du har {left} tegn tilbage.",
      announceFull: "Du har brugt alle {limit} tegn.",
      announceOver: "Teksten er {over} tegn for lang. Der må højst være {limit} tegn.",
    },
    en: {
      separator: ",",
      count: "{count} / {limit} characters",
      left: "{left} left",
      over: "{over} too many",
      announceLeft: "You have {left} characters left.",
      announceFull: "You have used all {limit} characters.",
      announceOver: "The text is {over} characters too long. The limit is {limit} characters.",
    },
  };
  // From this share of the limit on, the remaining count is shown in words and announced.
  var NEAR = 0.9;
  // Announce only once typing pauses, so a screen reader reads one message, not every key.
  var ANNOUNCE_DELAY_MS = 1000;
  // Fields where a count makes sense: text a person writes, not passwords, numbers, dates or
  // the user name at sign-in.
  var SELECTOR = [
    "textarea[maxlength]",
    "input[maxlength]:not([type])",
    "input[maxlength][type=text]",
    "input[maxlength][type=search]",
    "input[maxlength][type=email]",
    "input[maxlength][type=url]",
    "input[maxlength][type=tel]",
  ]
    .map(function (selector) {
      return selector + ":not([autocomplete=username])";
    })
    .join(",");

  var language = (document.documentElement.lang || "da").toLowerCase().slice(0, 2);
  var texts = TEXTS[language] || TEXTS.en;

  function grouped(number) {
    return String(number).replace(/\B(?=(\d{3})+(?!\d))/g, texts.separator);
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, name) {
      return grouped(values[name]);
    });
  }

  function setUp(field, index) {
    var limit = parseInt(field.getAttribute("maxlength"), 10);
    if (!(limit > 0)) {
      return;
    }
    var id = (field.id || "text-field-" + index) + "-count";
    var counter = document.createElement("div");
    counter.id = id;
    counter.className = "form-text char-count";
    // A separate, initially empty live region: only the messages near the limit are spoken.
    var live = document.createElement("div");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    counter.insertAdjacentElement("afterend", live);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", described ? described + " " + id : id);

    var timer = null;
    var announced = "";

    function announce(message) {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        if (message !== announced) {
          live.textContent = message;
          announced = message;
        }
      }, ANNOUNCE_DELAY_MS);
    }

    // Announced only as the person types: a page that opens near or over the limit (a refused
    // form) already says so at the field.
    function update(event) {
      // The browser's maxlength counts a line break as one character, and so does the server.
      var count = field.value.length;
      var values = { count: count, limit: limit, left: limit - count, over: count - limit };
      var text = fill(texts.count, values);
      var near = count >= limit * NEAR;
      counter.classList.toggle("char-count-near", near && count <= limit);
      counter.classList.toggle("char-count-over", count > limit);
      if (count > limit) {
        text += " – " + fill(texts.over, values);
        if (event) {
          announce(fill(texts.announceOver, values));
        }
      } else if (near) {
        text += " – " + fill(texts.left, values);
        if (event) {
          announce(fill(count === limit ? texts.announceFull : texts.announceLeft, values));
        }
      } else {
        window.clearTimeout(timer);
        live.textContent = "";
        announced = "";
      }
      counter.textContent = text;
    }

    field.addEventListener("input", update);
    update();
  }

  Array.prototype.forEach.call(document.querySelectorAll(SELECTOR), setUp);
})();
